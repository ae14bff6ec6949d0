import type { IncomingMessage } from 'node:http';

import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

import { contextOf, type ApiFamily, type RequestContext } from './request-context';

export const PUBLIC_ROUTE = 'gateway:public';
export const API_FAMILY = 'gateway:api-family';

/** Marks a route (or controller) that needs no credentials: probes, the scrape, documentation. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The error shape and dialect of a controller's routes (default: the gateway's own). */
export const SpeaksApi = (family: ApiFamily): MethodDecorator & ClassDecorator =>
  SetMetadata(API_FAMILY, family);

/** Hands a handler its request's context. */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): RequestContext =>
  contextOf(host.switchToHttp().getRequest<IncomingMessage>()),
);
