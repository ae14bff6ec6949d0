import { AuthEnv, type AuthMethod } from '../env/auth.env';
import type { AuthConfig } from '../gateway-config';
import { parseSection, type SectionContext } from '../parse-section';

export function buildAuthConfig({ env, nodeEnv, problems }: SectionContext): AuthConfig {
  const auth = parseSection(AuthEnv, env, problems);
  const mode = auth.AUTH_MODE ?? (nodeEnv === 'production' ? 'keys' : 'none');
  const methods = mode === 'none' ? [] : (mode.split(',') as AuthMethod[]);
  if (methods.includes('keys') && auth.API_KEYS_FILE === undefined) {
    problems.push(`API_KEYS_FILE: required when AUTH_MODE includes keys (AUTH_MODE=${mode})`);
  }
  if (methods.includes('jwt')) {
    if ((auth.JWT_JWKS_URL === undefined) === (auth.JWT_JWKS_FILE === undefined)) {
      problems.push('JWT_JWKS_URL / JWT_JWKS_FILE: exactly one is required when AUTH_MODE includes jwt');
    }
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
      if (auth[key] === undefined) {
        problems.push(`${key}: required when AUTH_MODE includes jwt`);
      }
    }
  }
  return {
    methods,
    modeDefaulted: auth.AUTH_MODE === undefined,
    apiKeysFile: auth.API_KEYS_FILE,
    apiKeysReloadIntervalMs: auth.API_KEYS_RELOAD_INTERVAL_MS,
    jwt: {
      jwksUrl: auth.JWT_JWKS_URL,
      jwksFile: auth.JWT_JWKS_FILE,
      issuer: auth.JWT_ISSUER ?? '',
      audience: auth.JWT_AUDIENCE ?? '',
      clockToleranceSeconds: auth.JWT_CLOCK_TOLERANCE_SECONDS,
    },
  };
}
