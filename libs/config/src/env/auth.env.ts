import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

import { ToInt } from './env-transforms';

export const AUTH_METHODS = ['keys', 'jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Who may call /v1/*: API keys from a file, JWTs checked against a JWKS, or nobody checked. */
export class AuthEnv {
  /** `none`, `keys`, `jwt` or `keys,jwt`; defaults to `keys` in production and `none` elsewhere. */
  @IsOptional()
  @Matches(/^(none|keys|jwt|keys,jwt|jwt,keys)$/, {
    message: 'AUTH_MODE must be none, keys, jwt or keys,jwt',
  })
  AUTH_MODE?: string;

  /** JSON file of hashed keys (mounted from a Secret); re-read when it changes. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  API_KEYS_FILE?: string;

  /** How often the keys file is checked for changes. */
  @ToInt()
  @IsInt()
  @Min(50)
  @Max(600_000)
  API_KEYS_RELOAD_INTERVAL_MS = 5_000;

  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\//, { message: 'JWT_JWKS_URL must be an http(s) URL' })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_JWKS_FILE?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_AUDIENCE?: string;

  /** Allowed clock difference when checking exp/nbf. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 30;
}
