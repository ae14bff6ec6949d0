import type { InferenceError } from '@gateway/inference';

import type { AttemptVerdict } from './admission-controller';

/**
 * What a failed attempt says about its endpoint, from the error catalogue: only the endpoint's own
 * failures (unreachable, its 5xx, an answer that is not the protocol) count against it, and only
 * before it produced anything. The caller's mistakes, cancellations, timeouts (a cold model load is
 * slow, not broken), "busy" answers (load, not health) and any failure after the first token (one
 * prompt's trouble: the next request finds out soon enough whether the endpoint itself is gone) do not.
 */
export function verdictOf(error: InferenceError, streamStarted: boolean): AttemptVerdict {
  return !streamStarted && error.spec.endpointFailure ? 'failure' : 'neutral';
}

/** Worth another attempt elsewhere (catalogue), as long as nothing was sent to the client yet. */
export function isRetryable(error: InferenceError): boolean {
  return error.spec.retryable;
}

/** Full-jitter exponential backoff: a random delay in [0, base * 2^(retry-1)], capped at 5 s. */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5_000, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
