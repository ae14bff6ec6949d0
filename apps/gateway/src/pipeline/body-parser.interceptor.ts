import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { json, type Request, type Response } from 'express';
import type { Observable } from 'rxjs';

import { BadRequestBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../http/http.errors';
import { assertJsonWithinLimits, type JsonLimits } from '../http/json-limits';

type Parser = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/**
 * Reads and parses the JSON body after the guards: an unauthenticated caller is refused before a byte
 * of its body is parsed. Oversized, malformed or structurally excessive bodies end here, before any
 * DTO transformation or validation walks them.
 */
@Injectable()
export class BodyParserInterceptor implements NestInterceptor {
  private readonly parse: Parser;
  private readonly limits: JsonLimits;

  constructor(config: GatewayConfig) {
    this.parse = json({ limit: config.server.bodyLimitBytes, strict: true }) as Parser;
    const { maxJsonDepth, maxStringLength } = config.httpHardening;
    this.limits = { maxDepth: maxJsonDepth, maxStringLength };
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    await this.readBody(http.getRequest<Request>(), http.getResponse<Response>());
    return next.handle();
  }

  private readBody(req: Request, res: Response): Promise<void> {
    if (!hasBody(req)) {
      return Promise.resolve();
    }
    if (!req.is('application/json')) {
      return Promise.reject(new UnsupportedMediaTypeError());
    }
    return new Promise((resolve, reject) => {
      this.parse(req, res, (error?: unknown) => {
        if (error) {
          const type = (error as { type?: unknown }).type;
          reject(type === 'entity.too.large' ? new PayloadTooLargeError() : new BadRequestBodyError(type));
          return;
        }
        try {
          assertJsonWithinLimits(req.body, this.limits);
          resolve();
        } catch (limitError) {
          reject(limitError instanceof Error ? limitError : new Error(String(limitError)));
        }
      });
    });
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
