import { IsInt, Max, Min } from 'class-validator';

import { ToInt } from './env-transforms';

const HOUR_MS = 3_600_000;

/** Time limits of one generation and of the readiness probe. */
export class TimeoutsEnv {
  /** Until the first token; generous because a cold model load takes minutes. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(HOUR_MS)
  FIRST_TOKEN_TIMEOUT_MS = 300_000;

  /** Longest silence allowed between two chunks once tokens flow. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(HOUR_MS)
  IDLE_TIMEOUT_MS = 60_000;

  /** Optional total deadline for a request; 0 disables it. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(24 * HOUR_MS)
  REQUEST_TIMEOUT_MS = 0;

  /** SSE comment heartbeat while a stream waits for its first token. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(HOUR_MS)
  HEARTBEAT_INTERVAL_MS = 15_000;

  /** How long one readiness result is reused, so probe storms don't reach the backend. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(60_000)
  READINESS_CACHE_MS = 2_000;

  /** Each health indicator's own deadline. */
  @ToInt()
  @IsInt()
  @Min(50)
  @Max(60_000)
  HEALTH_CHECK_TIMEOUT_MS = 2_000;
}
