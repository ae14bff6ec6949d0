import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { contextOf } from '@gateway/request-context';
import type { Request } from 'express';

import { createJsonBodyParser, type JsonBodyParser } from '../http/json-body';

/**
 * The last guard: reads and parses the JSON body once authentication has let the request in, so an
 * unauthenticated caller is refused before a byte of its body is parsed. Oversized, malformed or
 * structurally excessive bodies are refused here (checked on the raw text), before any DTO
 * transformation or validation walks them. A guard rather than an interceptor: an interceptor would
 * wrap every request's handler in observables for a step that only ever runs before it.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  private readonly parse: JsonBodyParser;

  constructor(config: GatewayConfig) {
    const { maxJsonDepth, maxStringLength, maxArrayLength, maxNodes } = config.httpHardening;
    this.parse = createJsonBodyParser({
      maxBytes: config.server.bodyLimitBytes,
      maxDepth: maxJsonDepth,
      maxStringLength,
      maxArrayLength,
      maxNodes,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // Ollama's surface reads any body as JSON, as Ollama does; RouteContextGuard has set the family.
    req.body = await this.parse(req, contextOf(req).api === 'ollama');
    return true;
  }
}
