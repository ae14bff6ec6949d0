import { GatewayConfig } from '@gateway/config';
import type { Params } from 'nestjs-pino';

/** Headers that may carry credentials; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs. Lines written while serving a request carry `req.id`, put there by whoever
 * logs (the access log, the error filter, the stream writers, the upstream client): no per-request
 * child logger and no AsyncLocalStorage, which would tax every promise of every request. Prompts and
 * generated text are never logged, and paths are logged without their query.
 */
export function loggerParams(config: GatewayConfig): Params {
  return {
    pinoHttp: {
      level: config.server.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: (req: { id?: unknown }) => ({ id: req.id }) },
    },
    // nestjs-pino serves as Nest's logger only: its per-request middleware is not mounted.
    forRoutes: [],
  };
}
