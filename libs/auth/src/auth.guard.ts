import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { ModelCatalog } from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import type { Request, Response } from 'express';

import { ApiKeyStore } from './api-key-store';
import { API_KEY_PREFIX } from './api-key';
import { AuthenticationRequiredError, ModelNotAllowedError } from './auth.errors';
import { credentialOf, looksLikeJwt } from './credentials';
import { JwtVerifier } from './jwt-verifier';
import { mayUseModel } from './model-access';
import { attachPrincipal, type Principal } from './principal';

/**
 * Authenticates every /v1/* and /api/* call (probes, /metrics and `/` stay open) by API key or JWT, per AUTH_MODE,
 * and refuses models the caller's entry does not allow.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly config: GatewayConfig,
    private readonly keys: ApiKeyStore,
    private readonly jwt: JwtVerifier,
    private readonly catalog: ModelCatalog,
    private readonly metrics: GatewayMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // Express matches routes case-insensitively, so `/V1/generate` reaches the same handler.
    if (this.config.auth.methods.length === 0 || !isApiPath(req.path)) {
      return true;
    }
    const principal = await this.authenticate(req, context.switchToHttp().getResponse<Response>());
    const model = this.requestedModel(req);
    if (model !== undefined && !mayUseModel(principal, model, this.catalog)) {
      this.metrics.authRejections.inc({ reason: 'model_not_allowed' });
      this.logger.warn(`key ${principal.id} asked for a model it may not use`);
      throw new ModelNotAllowedError(model.slice(0, 128));
    }
    attachPrincipal(req, principal);
    return true;
  }

  private async authenticate(req: Request, res: Response): Promise<Principal> {
    const credential = credentialOf(req);
    const principal = credential === undefined ? undefined : await this.principalFor(credential);
    if (principal === undefined) {
      this.metrics.authRejections.inc({ reason: credential === undefined ? 'missing' : 'invalid' });
      res.setHeader('WWW-Authenticate', 'Bearer realm="llm-gateway"');
      throw new AuthenticationRequiredError(credential === undefined);
    }
    return principal;
  }

  private async principalFor(credential: string): Promise<Principal | undefined> {
    const methods = this.config.auth.methods;
    if (methods.includes('jwt') && !credential.startsWith(API_KEY_PREFIX) && looksLikeJwt(credential)) {
      const subject = await this.jwt.subjectOf(credential);
      return subject === undefined ? undefined : this.keys.principalForSubject(subject);
    }
    return methods.includes('keys') ? this.keys.principalForKey(credential) : undefined;
  }

  /** The body's `model`, or the default model for routes that take none (POST /v1/generate). */
  private requestedModel(req: Request): string | undefined {
    const body: unknown = req.body;
    const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
    if (typeof model === 'string') {
      return model;
    }
    return req.method === 'POST' && model === undefined ? this.catalog.resolve(undefined).id : undefined;
  }
}

/** OpenAI's and the gateway's routes under /v1/, Ollama's under /api/. */
function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower.startsWith('/v1/') || lower.startsWith('/api/');
}
