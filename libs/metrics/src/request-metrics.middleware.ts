import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { GatewayMetrics, type RequestOutcome } from './gateway-metrics';
import { runWithObservation, type RequestObservation } from './request-observation';

/** Records requests, duration, in-flight and overhead once per request, whatever the route does. */
@Injectable()
export class RequestMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: GatewayMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    // Middlewares are mounted on a catch-all route (`/{*path}`): a request that never reaches a
    // controller keeps that route, which would otherwise become its label.
    const mountRoute = routeOf(req);
    const observation: RequestObservation = { upstreamSeconds: 0 };
    // Probes and scrapes are counted as requests but are not API work in flight. (`req.path` is relative
    // to the catch-all mount here, so it is always `/`.) Express routes ignore case: `/V1/...` is API work.
    const url = req.originalUrl.toLowerCase();
    const isApiCall = url.startsWith('/v1/') || url.startsWith('/api/');
    if (isApiCall) {
      this.metrics.inFlight.inc();
    }
    let recorded = false;
    const record = (): void => {
      if (recorded) {
        return;
      }
      recorded = true;
      const matched = routeOf(req);
      const route = matched !== undefined && matched !== mountRoute ? matched : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const outcome = observation.outcome ?? outcomeOf(res);
      if (isApiCall) {
        this.metrics.inFlight.dec();
      }
      this.metrics.requests.inc({ route, outcome });
      this.metrics.requestDuration.observe({ route, outcome }, seconds);
      if (observation.upstreamSeconds > 0) {
        this.metrics.overhead.observe({ route }, Math.max(0, seconds - observation.upstreamSeconds));
      }
    };
    res.once('finish', record);
    res.once('close', () => {
      if (!res.writableFinished && observation.outcome === undefined) {
        observation.outcome = 'cancelled';
      }
      record();
    });
    runWithObservation(observation, next);
  }
}

function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
}

function outcomeOf(res: Response): RequestOutcome {
  const status = res.statusCode;
  if (status < 400) {
    return 'success';
  }
  if (status === 499) {
    return 'cancelled';
  }
  if (status === 504) {
    return 'timeout';
  }
  if (status === 429) {
    return 'rejected';
  }
  if (status < 500) {
    return 'client_error';
  }
  return status === 500 ? 'internal_error' : 'upstream_error';
}
