import { ConfigValidationError, loadConfig } from '../load-config';

const base = { INFERENCE_BACKEND: 'ollama' };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  return '';
}

describe('auth, rate-limit and hardening configuration', () => {
  it('turns auth off by default outside production', () => {
    const config = loadConfig(base);
    expect(config.auth).toMatchObject({ methods: [], modeDefaulted: true });
  });

  it('requires keys in production unless AUTH_MODE=none is spelled out', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain(
      'API_KEYS_FILE: required when AUTH_MODE includes keys',
    );
    const keys = loadConfig({ ...base, NODE_ENV: 'production', API_KEYS_FILE: '/etc/keys.json' });
    expect(keys.auth.methods).toEqual(['keys']);
    const off = loadConfig({ ...base, NODE_ENV: 'production', AUTH_MODE: 'none' });
    expect(off.auth).toMatchObject({ methods: [], modeDefaulted: false });
  });

  it('needs one JWKS source, an issuer and an audience for jwt', () => {
    const message = problemsOf({ AUTH_MODE: 'jwt' });
    expect(message).toContain('exactly one is required');
    expect(message).toContain('JWT_ISSUER');
    expect(message).toContain('JWT_AUDIENCE');
    const both = problemsOf({
      AUTH_MODE: 'jwt',
      JWT_JWKS_URL: 'https://id.test/jwks',
      JWT_JWKS_FILE: '/jwks.json',
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
    });
    expect(both).toContain('exactly one is required');
  });

  it('rejects an unknown AUTH_MODE', () => {
    expect(problemsOf({ AUTH_MODE: 'keys,oauth' })).toContain(
      'AUTH_MODE must be none, keys, jwt or keys,jwt',
    );
  });

  it('never echoes a bad REDIS_URL, which may hold a password', () => {
    const message = problemsOf({ REDIS_URL: 'http://user:hunter2@redis:6379' });
    expect(message).toContain('REDIS_URL="<redacted>"');
    expect(message).not.toContain('hunter2');
  });

  it('reads limits, fail mode and CORS origins', () => {
    const config = loadConfig({
      ...base,
      RATE_LIMIT_RPM: '10',
      RATE_LIMIT_TPM: '0',
      RATE_LIMIT_FAIL_MODE: 'closed',
      REDIS_URL: 'redis://redis:6379',
      CORS_ORIGINS: 'https://a.test, https://b.test',
    });
    expect(config.rateLimit).toMatchObject({
      requestsPerMinute: 10,
      tokensPerMinute: 0,
      failMode: 'closed',
      redisUrl: 'redis://redis:6379',
    });
    expect(config.httpHardening.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
  });
});
