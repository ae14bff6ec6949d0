import type { IncomingMessage, ServerResponse } from 'node:http';

import { GatewayConfig } from '@gateway/config';
import type { Params } from 'nestjs-pino';

import { assignRequestId } from './request-id';

/** Headers that may carry credentials; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs with the request id on every line. Prompts and generated text are never
 * logged: request bodies are not serialised at all, and URLs are logged without their query.
 */
export function loggerParams(config: GatewayConfig): Params {
  return {
    pinoHttp: {
      level: config.server.logLevel,
      genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
      // One access-log line per request comes from the end-of-request step (pipeline/request-end.ts).
      autoLogging: false,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage & { id?: unknown }) => ({
          id: req.id,
          method: req.method,
          path: pathOf(req),
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
