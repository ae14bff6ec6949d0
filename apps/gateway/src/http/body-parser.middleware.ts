import { Injectable, type NestMiddleware } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { json, type NextFunction, type Request, type Response } from 'express';

import { BadRequestBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http.errors';
import { assertJsonWithinLimits, type JsonLimits } from './json-limits';

type Parser = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/** JSON body parsing inside Nest's pipeline, so that oversized or malformed bodies get our error body. */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  private readonly parse: Parser;
  private readonly limits: JsonLimits;

  constructor(config: GatewayConfig) {
    this.parse = json({ limit: config.server.bodyLimitBytes, strict: true }) as Parser;
    const { maxJsonDepth, maxStringLength } = config.httpHardening;
    this.limits = { maxDepth: maxJsonDepth, maxStringLength };
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (hasBody(req) && !req.is('application/json')) {
      next(new UnsupportedMediaTypeError());
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      if (!error) {
        this.checkLimits(req, next);
        return;
      }
      const type = (error as { type?: unknown }).type;
      next(type === 'entity.too.large' ? new PayloadTooLargeError() : new BadRequestBodyError(type));
    });
  }

  private checkLimits(req: Request, next: NextFunction): void {
    try {
      assertJsonWithinLimits(req.body, this.limits);
    } catch (error) {
      next(error);
      return;
    }
    next();
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
