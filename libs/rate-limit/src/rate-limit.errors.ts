import { GatewayError } from '@gateway/errors';

import type { LimitReason } from './rate-limiter';

/** 429: a per-key limit is reached for now; Retry-After says when the call would fit. */
export class RateLimitExceededError extends GatewayError {
  constructor(reason: LimitReason, limit: number, retryAfterSeconds: number) {
    const what = reason === 'requests' ? 'requests per minute' : 'tokens per minute';
    super(
      'rate_limit_exceeded',
      `rate limit reached: ${limit} ${what} for this key; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}

/** 429 without Retry-After: the call alone needs more tokens than the key may use in a minute. */
export class RequestTooLargeError extends GatewayError {
  constructor(estimate: number, limit: number) {
    super(
      'request_too_large',
      `this request may use up to ${estimate} tokens (input + max_tokens), more than this key's ${limit} tokens per minute; lower max_tokens or shorten the input`,
    );
  }
}

/** 503: limits are stored in Redis, Redis is unreachable and RATE_LIMIT_FAIL_MODE=closed. */
export class RateLimitUnavailableError extends GatewayError {
  constructor() {
    super('rate_limit_unavailable');
  }
}

/** 429: the caller already runs as many generations as its key allows; one has to end first. */
export class ConcurrencyLimitError extends GatewayError {
  constructor(limit: number) {
    super(
      'concurrency_limit_exceeded',
      `concurrency limit reached: this key may run ${limit} generation(s) at once; retry when one has finished`,
    );
  }
}
