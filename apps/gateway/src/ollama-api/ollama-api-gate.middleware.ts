import { Injectable, NotFoundException, type NestMiddleware } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { NextFunction, Request, Response } from 'express';

import { ModelManagementRefusedError } from './model-management.error';

const OLLAMA_SURFACE = /^\/api(\/.*)?$/i;
const MANAGEMENT = /^\/api\/(pull|push|create|copy|delete|blobs)(\/.*)?$/i;

/**
 * Guards the Ollama surface before authentication or any handler: with OLLAMA_API=off its paths answer
 * 404 as if they did not exist, and the model-management routes are refused with 403 whoever asks, so
 * that no such request can ever reach an upstream.
 */
@Injectable()
export class OllamaApiGateMiddleware implements NestMiddleware {
  constructor(private readonly config: GatewayConfig) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    // Mounted on a route, where req.path is relative: read the full path.
    const path = req.originalUrl.split('?')[0].replace(/\/+$/, '') || '/';
    if (!OLLAMA_SURFACE.test(path)) {
      next();
      return;
    }
    if (!this.config.ollamaApi.enabled) {
      next(new NotFoundException(`Cannot ${req.method} ${path}`));
      return;
    }
    next(MANAGEMENT.test(path) ? new ModelManagementRefusedError() : undefined);
  }
}
