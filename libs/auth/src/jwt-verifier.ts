import { readFileSync } from 'node:fs';

import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Only asymmetric algorithms: a shared-secret HS256 token could be forged by anyone holding the JWKS. */
const ALGORITHMS = ['RS256', 'ES256'];

/** Checks bearer JWTs against the configured JWKS, issuer and audience; returns the subject. */
@Injectable()
export class JwtVerifier {
  private readonly keys?: JWTVerifyGetKey;

  constructor(private readonly config: GatewayConfig) {
    const { jwksUrl, jwksFile } = config.auth.jwt;
    if (!config.auth.methods.includes('jwt')) {
      return;
    }
    if (jwksUrl !== undefined) {
      this.keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    } else if (jwksFile !== undefined) {
      this.keys = createLocalJWKSet(readJwks(jwksFile));
    }
  }

  /** The token's subject, or undefined when the token is not valid for this gateway (for any reason). */
  async subjectOf(token: string): Promise<string | undefined> {
    if (this.keys === undefined) {
      return undefined;
    }
    const { issuer, audience, clockToleranceSeconds } = this.config.auth.jwt;
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload.sub;
    } catch {
      return undefined;
    }
  }
}

function readJwks(file: string): Parameters<typeof createLocalJWKSet>[0] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) {
      throw new Error('it must be a JSON Web Key Set ({"keys": [...]})');
    }
    return parsed as Parameters<typeof createLocalJWKSet>[0];
  } catch (error) {
    throw new Error(`JWT_JWKS_FILE ${file}: ${(error as Error).message}`);
  }
}
