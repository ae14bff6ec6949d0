import type { LimitReason, Limits, WindowState } from './rate-limiter';

/**
 * Sliding-window counter: usage = previous window * (share of it still inside the last minute) +
 * current window. Smooth like a sliding log, two counters per caller like a fixed window.
 * The Redis script applies the same rule.
 */
export function usedRequests(state: WindowState): number {
  return state.previous.requests * overlap(state) + state.current.requests;
}

export function usedTokens(state: WindowState): number {
  return state.previous.tokens * overlap(state) + state.current.tokens;
}

/** Which limit a call costing `tokens` would break, if any. */
export function refusal(state: WindowState, limits: Limits, tokens: number): LimitReason | undefined {
  if (limits.requestsPerMinute > 0 && usedRequests(state) + 1 > limits.requestsPerMinute) {
    return 'requests';
  }
  if (limits.tokensPerMinute > 0 && usedTokens(state) + tokens > limits.tokensPerMinute) {
    return 'tokens';
  }
  return undefined;
}

/** Milliseconds until a call costing `cost` fits under `limit`; Infinity if it never can. */
export function waitMs(
  limit: number,
  cost: number,
  previous: number,
  current: number,
  state: WindowState,
): number {
  const { elapsedMs, windowMs } = state;
  if (cost > limit) {
    return Number.POSITIVE_INFINITY;
  }
  if (current + cost <= limit) {
    return previous === 0 ? 0 : Math.max(0, windowMs * (1 - (limit - current - cost) / previous) - elapsedMs);
  }
  // The current window becomes the previous one and fades out from there.
  return windowMs - elapsedMs + windowMs * (1 - (limit - cost) / current);
}

/** Milliseconds until every counted request or token has left the sliding minute. */
export function fullResetMs(current: number, previous: number, state: WindowState): number {
  if (current > 0) {
    return 2 * state.windowMs - state.elapsedMs;
  }
  return previous > 0 ? state.windowMs - state.elapsedMs : 0;
}

function overlap(state: WindowState): number {
  return 1 - state.elapsedMs / state.windowMs;
}
