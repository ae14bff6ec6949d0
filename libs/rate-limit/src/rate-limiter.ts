/** Per-minute limits of one caller; 0 means unlimited. */
export interface Limits {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

export interface WindowCounts {
  requests: number;
  tokens: number;
}

/** Counters of the current and previous fixed windows, which the sliding estimate blends. */
export interface WindowState {
  current: WindowCounts;
  previous: WindowCounts;
  /** Milliseconds since the current window began. */
  elapsedMs: number;
  windowMs: number;
}

export type LimitReason = 'requests' | 'tokens';

export interface RateLimitDecision {
  allowed: boolean;
  /** Which limit refused the call. */
  reason?: LimitReason;
  /** Window the call was counted in; token reconciliation goes there. */
  window: number;
  /** Counters after the decision (including this call when allowed). */
  state: WindowState;
}

/**
 * Counts requests and tokens per caller. `acquire` checks both limits and, only if both allow,
 * counts one request and reserves `tokens`, as one atomic step.
 */
export interface RateLimiter {
  acquire(id: string, limits: Limits, tokens: number): Promise<RateLimitDecision>;
  /** Corrects a reservation once the real token count is known (delta may be negative). */
  adjustTokens(id: string, window: number, delta: number): Promise<void>;
}

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export const WINDOW_MS = 60_000;

/** Thrown when the shared store cannot answer; RATE_LIMIT_FAIL_MODE decides what happens. */
export class RateLimitStoreError extends Error {
  constructor(cause: unknown) {
    super(`rate-limit store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RateLimitStoreError';
  }
}
