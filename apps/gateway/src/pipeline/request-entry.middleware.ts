import { Injectable, type NestMiddleware } from '@nestjs/common';
import { attachContext, RequestContext } from '@gateway/request-context';
import type { NextFunction, Request, Response } from 'express';

import { assignRequestId } from '../http/request-id';
import { GatewayTracing } from '../tracing/gateway-tracing';
import { RequestEnd } from './request-end';

/** Step 1 of every request: its context, and the one end-of-request step bound to the response. */
@Injectable()
export class RequestEntryMiddleware implements NestMiddleware {
  constructor(
    private readonly end: RequestEnd,
    private readonly tracing: GatewayTracing,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const ctx = new RequestContext(assignRequestId(req, res));
    ctx.trace = this.tracing.start(req, ctx.requestId, ctx.startedAt);
    attachContext(req, ctx);
    // 'close' fires once for every response, finished or cut off. (`req`'s close fires as soon as the
    // body is read, so the response's is the one that says whether the client left early.)
    res.once('close', () => {
      if (!res.writableFinished) {
        ctx.clientGone();
      }
      this.end.finish(req, res, ctx);
    });
    next();
  }
}
