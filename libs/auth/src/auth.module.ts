import { Module } from '@nestjs/common';

import { ApiKeyStore } from './api-key-store';
import { AuthGuard } from './auth.guard';
import { AuthStartupWarning } from './auth-startup-warning';
import { JwtVerifier } from './jwt-verifier';

/** API keys and JWTs; the app registers AuthGuard as a global guard. */
@Module({
  providers: [ApiKeyStore, JwtVerifier, AuthGuard, AuthStartupWarning],
  exports: [AuthGuard, ApiKeyStore],
})
export class AuthModule {}
