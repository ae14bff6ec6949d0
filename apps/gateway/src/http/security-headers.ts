import type { HttpHardeningConfig } from '@gateway/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * Headers for an API that serves JSON and SSE only: nothing may be framed, sniffed or executed
 * from its responses. HSTS is left to the ingress, which terminates TLS and knows the host names.
 * Helmet decides the headers; they depend on the configuration only, so it runs once at start-up
 * and each response gets the recorded list (helmet's dozen middlewares per request cost more than
 * the rest of a small request's routing).
 */
export function applySecurityHeaders(app: NestExpressApplication, http: HttpHardeningConfig): void {
  const headers = helmetHeaders(http);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
    }
    next();
  });
  if (http.corsOrigins.length > 0) {
    app.enableCors({
      origin: http.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Api-Key', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'Retry-After',
        'x-ratelimit-limit-requests',
        'x-ratelimit-remaining-requests',
        'x-ratelimit-reset-requests',
        'x-ratelimit-limit-tokens',
        'x-ratelimit-remaining-tokens',
        'x-ratelimit-reset-tokens',
      ],
      maxAge: 600,
    });
  }
}

/** What helmet sets on a response under this configuration, recorded once. */
export function helmetHeaders(http: HttpHardeningConfig): HeaderList {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: http.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
  });
  const recorded = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => recorded.set(name, String(value)),
    // X-Powered-By, which Express is told not to send anyway.
    removeHeader: (name: string) => recorded.delete(name),
  };
  let finished = false;
  let failure: unknown;
  middleware({} as never, recorder as never, (error?: unknown) => {
    failure = error;
    finished = true;
  });
  if (failure !== undefined) {
    throw failure instanceof Error ? failure : new Error('helmet refused its configuration');
  }
  if (!finished) {
    throw new Error('helmet did not finish synchronously: its headers cannot be recorded once');
  }
  return [...recorded];
}
