import type { Response } from 'express';

import { fullResetMs, usedRequests, usedTokens } from './sliding-window';
import type { Limits, WindowState } from './rate-limiter';

/** OpenAI's x-ratelimit-* headers, for the limits this caller has (unlimited ones are left out). */
export function setRateLimitHeaders(res: Response, limits: Limits, state: WindowState): void {
  if (limits.requestsPerMinute > 0) {
    const remaining = limits.requestsPerMinute - usedRequests(state);
    res.setHeader('x-ratelimit-limit-requests', String(limits.requestsPerMinute));
    res.setHeader('x-ratelimit-remaining-requests', String(Math.max(0, Math.floor(remaining))));
    const reset = fullResetMs(state.current.requests, state.previous.requests, state);
    res.setHeader('x-ratelimit-reset-requests', duration(reset));
  }
  if (limits.tokensPerMinute > 0) {
    const remaining = limits.tokensPerMinute - usedTokens(state);
    res.setHeader('x-ratelimit-limit-tokens', String(limits.tokensPerMinute));
    res.setHeader('x-ratelimit-remaining-tokens', String(Math.max(0, Math.floor(remaining))));
    res.setHeader(
      'x-ratelimit-reset-tokens',
      duration(fullResetMs(state.current.tokens, state.previous.tokens, state)),
    );
  }
}

/** Whole seconds, rounded up, in OpenAI's `12s` form. */
function duration(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}
