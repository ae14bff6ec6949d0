import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GatewayConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';
import { contextOf, PUBLIC_ROUTE } from '@gateway/request-context';
import type { Request, Response } from 'express';

import { ApiKeyStore } from './api-key-store';
import { API_KEY_PREFIX } from './api-key';
import { AuthenticationRequiredError } from './auth.errors';
import { credentialOf, looksLikeJwt } from './credentials';
import { JwtVerifier } from './jwt-verifier';
import type { Principal } from './principal';

/**
 * Authenticates every route not marked `@Public()` by API key or JWT, per AUTH_MODE, from the headers
 * alone: it runs before the body is read, so an unauthenticated caller costs no parsing. Which models
 * the caller may use is checked at admission, once the typed request names one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly config: GatewayConfig,
    private readonly keys: ApiKeyStore,
    private readonly jwt: JwtVerifier,
    private readonly metrics: GatewayMetrics,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.config.auth.methods.length === 0 || this.isPublic(context)) {
      return true;
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    contextOf(req).caller = await this.authenticate(req, http.getResponse<Response>());
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
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
}
