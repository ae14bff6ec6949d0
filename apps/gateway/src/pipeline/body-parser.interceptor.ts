import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

import { createJsonBodyParser, type JsonBodyParser } from '../http/json-body';

/**
 * Reads and parses the JSON body after the guards: an unauthenticated caller is refused before a byte
 * of its body is parsed. Oversized, malformed or structurally excessive bodies end here (checked on the
 * raw text), before any DTO transformation or validation walks them.
 */
@Injectable()
export class BodyParserInterceptor implements NestInterceptor {
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

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    req.body = await this.parse(req);
    return next.handle();
  }
}
