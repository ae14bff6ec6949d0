import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { API_FAMILY, contextOf, PUBLIC_ROUTE, type ApiFamily } from '@gateway/request-context';
import type { Request } from 'express';

import { InFlightTracker } from '../lifecycle/in-flight.tracker';

/**
 * The first guard: copies what the matched route declares (its label, `@Public()`, `@SpeaksApi()`)
 * into the request context, and counts non-public routes as API work in flight. Never refuses.
 */
@Injectable()
export class RouteContextGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tracker: InFlightTracker,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const ctx = contextOf(req);
    const targets = [context.getHandler(), context.getClass()];
    const path = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof path === 'string') {
      ctx.route = path;
    }
    ctx.api = this.reflector.getAllAndOverride<ApiFamily | undefined>(API_FAMILY, targets) ?? 'gateway';
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) !== true) {
      ctx.tracked = true;
      this.tracker.start();
    }
    return true;
  }
}
