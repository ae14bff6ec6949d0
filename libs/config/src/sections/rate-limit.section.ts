import { RateLimitEnv } from '../env/rate-limit.env';
import type { RateLimitConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildRateLimitConfig(env: RawEnv, problems: string[]): RateLimitConfig {
  const limits = parseSection(RateLimitEnv, env, problems);
  return {
    requestsPerMinute: limits.RATE_LIMIT_RPM,
    tokensPerMinute: limits.RATE_LIMIT_TPM,
    concurrency: limits.RATE_LIMIT_CONCURRENCY,
    redisUrl: limits.REDIS_URL,
    failMode: limits.RATE_LIMIT_FAIL_MODE,
    redisTimeoutMs: limits.RATE_LIMIT_REDIS_TIMEOUT_MS,
  };
}
