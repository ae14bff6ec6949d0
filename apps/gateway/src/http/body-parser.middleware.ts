import { Injectable, type NestMiddleware } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { NextFunction, Request, Response } from 'express';

import { createJsonBodyParser, type JsonBodyParser } from './json-body';

/** JSON body parsing inside Nest's pipeline, so that oversized or malformed bodies get our error body. */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
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

  use(req: Request, _res: Response, next: NextFunction): void {
    this.parse(req).then((body) => {
      req.body = body;
      next();
    }, next);
  }
}
