import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { ToInt } from './env-transforms';

export const RATE_LIMIT_FAIL_MODES = ['open', 'closed'] as const;
export type RateLimitFailMode = (typeof RATE_LIMIT_FAIL_MODES)[number];

/** Per-caller request and token limits, and where their counters live. */
export class RateLimitEnv {
  /** Requests per minute per key or JWT subject unless its entry says otherwise; 0 = unlimited. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RATE_LIMIT_RPM = 60;

  /** Prompt + completion tokens per minute per key or subject unless its entry says otherwise; 0 = unlimited. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  RATE_LIMIT_TPM = 100_000;

  /** Generations one key or subject may run at once unless its entry says otherwise; 0 = unlimited. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(100_000)
  RATE_LIMIT_CONCURRENCY = 0;

  /**
   * Shared counters and slots for several replicas (rate limits, per-key concurrency, endpoint slots);
   * unset keeps them in this process's memory.
   */
  @IsOptional()
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  /** What happens when Redis cannot be reached: let requests through (open) or refuse them (closed). */
  @IsIn(RATE_LIMIT_FAIL_MODES)
  RATE_LIMIT_FAIL_MODE: RateLimitFailMode = 'open';

  /** Longest wait for one Redis check before the fail mode applies. */
  @ToInt()
  @IsInt()
  @Min(10)
  @Max(10_000)
  RATE_LIMIT_REDIS_TIMEOUT_MS = 250;
}
