import { HttpException, HttpStatus } from '@nestjs/common';

import type { LimitReason } from './rate-limiter';

/** 429: a per-key limit is reached for now; Retry-After says when the call would fit. */
export class RateLimitExceededError extends HttpException {
  constructor(reason: LimitReason, limit: number, retryAfterSeconds: number) {
    const what = reason === 'requests' ? 'requests per minute' : 'tokens per minute';
    super(
      {
        code: 'rate_limit_exceeded',
        message: `rate limit reached: ${limit} ${what} for this key; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 429 without Retry-After: the call alone needs more tokens than the key may use in a minute. */
export class RequestTooLargeError extends HttpException {
  constructor(estimate: number, limit: number) {
    super(
      {
        code: 'request_too_large',
        message: `this request may use up to ${estimate} tokens (input + max_tokens), more than this key's ${limit} tokens per minute; lower max_tokens or shorten the input`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 503: limits are stored in Redis, Redis is unreachable and RATE_LIMIT_FAIL_MODE=closed. */
export class RateLimitUnavailableError extends HttpException {
  constructor() {
    super(
      {
        code: 'rate_limit_unavailable',
        message: 'rate limits cannot be checked right now',
        retryAfterSeconds: 1,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

/** 429: the caller already runs as many generations as its key allows; one has to end first. */
export class ConcurrencyLimitError extends HttpException {
  constructor(limit: number) {
    super(
      {
        code: 'concurrency_limit_exceeded',
        message: `concurrency limit reached: this key may run ${limit} generation(s) at once; retry when one has finished`,
        retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** Generations end at any moment; a short retry finds the freed slot without hammering. */
const CONCURRENCY_RETRY_AFTER_SECONDS = 1;
