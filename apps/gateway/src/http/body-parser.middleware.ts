import { Injectable, type NestMiddleware } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { json, type NextFunction, type Request, type Response } from 'express';

import { BadRequestBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http.errors';

type Parser = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/** JSON body parsing inside Nest's pipeline, so that oversized or malformed bodies get our error body. */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  private readonly parse: Parser;

  constructor(config: GatewayConfig) {
    this.parse = json({ limit: config.server.bodyLimitBytes, strict: true }) as Parser;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (hasBody(req) && !req.is('application/json')) {
      next(new UnsupportedMediaTypeError());
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: unknown }).type;
      next(type === 'entity.too.large' ? new PayloadTooLargeError() : new BadRequestBodyError(type));
    });
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
