import type { NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GatewayConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';

import { applySecurityHeaders } from './http/security-headers';
import { setupOpenApi } from './openapi/openapi-document';
import { applyConnectionLimits } from './http/server-limits';
import { RequestEntryMiddleware } from './pipeline/request-entry.middleware';

/**
 * Nest's own body parser is off: ours runs inside the pipeline so its errors get our JSON body.
 * Closing the app ends every connection still open (after the drain on SIGTERM): otherwise an idle
 * keep-alive connection, or one whose request never completed, holds the close back for up to
 * KEEP_ALIVE_TIMEOUT_MS.
 */
export const GATEWAY_APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  bufferLogs: true,
  forceCloseConnections: true,
};

/** Everything main.ts does to the app before listening, shared with the end-to-end tests. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Answers are generated once each: an ETag would only cost a hash of every body.
  app.set('etag', false);
  // Mounted on the app rather than through Nest's MiddlewareConsumer: it runs for every request,
  // matched or not, and needs no path matching.
  const entry = app.get(RequestEntryMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => entry.use(req, res, next));
  const config = app.get(GatewayConfig);
  applySecurityHeaders(app, config.httpHardening);
  if (config.server.openApiEnabled) {
    setupOpenApi(app);
  }
  const metrics = app.get(GatewayMetrics);
  applyConnectionLimits(app.getHttpServer(), config.connections, () => metrics.connectionsDropped.inc());
  // SIGTERM drains (see DrainService), then exits 0 instead of re-raising the signal.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}
