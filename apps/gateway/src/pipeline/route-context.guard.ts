import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { API_FAMILY, contextOf, PUBLIC_ROUTE, type ApiFamily } from '@gateway/request-context';
import type { Request } from 'express';

import { InFlightTracker } from '../lifecycle/in-flight.tracker';

interface RouteMetadata {
  api: ApiFamily;
  isPublic: boolean;
}

/**
 * The first guard: copies what the matched route declares (its label, `@Public()`, `@SpeaksApi()`)
 * into the request context, and counts non-public routes as API work in flight. Never refuses.
 * Metadata is read once per handler: it is fixed when the app starts.
 */
@Injectable()
export class RouteContextGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tracker: InFlightTracker,
  ) {}

  private readonly metadata = new WeakMap<object, RouteMetadata>();

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const ctx = contextOf(req);
    const path = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof path === 'string') {
      ctx.route = path;
    }
    const { api, isPublic } = this.metadataOf(context);
    ctx.api = api;
    if (!isPublic) {
      ctx.tracked = true;
      this.tracker.start();
    }
    return true;
  }

  private metadataOf(context: ExecutionContext): RouteMetadata {
    const handler = context.getHandler();
    let metadata = this.metadata.get(handler);
    if (metadata === undefined) {
      const targets = [handler, context.getClass()];
      metadata = {
        api: this.reflector.getAllAndOverride<ApiFamily | undefined>(API_FAMILY, targets) ?? 'gateway',
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true,
      };
      this.metadata.set(handler, metadata);
    }
    return metadata;
  }
}
