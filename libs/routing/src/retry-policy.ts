import type { InferenceError, InferenceErrorCode } from '@gateway/inference/inference.errors';

import type { AttemptVerdict } from './admission-controller';

const ENDPOINT_FAILURES = new Set<InferenceErrorCode>([
  'upstream_unavailable',
  'upstream_error',
  'upstream_protocol_error',
]);

/** Another endpoint may well succeed: it is up, has room, or has the model. */
const RETRYABLE = new Set<InferenceErrorCode>([...ENDPOINT_FAILURES, 'upstream_busy', 'model_not_found']);

/**
 * What a failed attempt says about its endpoint. Only the endpoint's own failures before it produced
 * anything count against it: unreachable, its 5xx, an answer that is not the protocol. The caller's
 * mistakes (4xx), cancellations, timeouts (a cold model load is slow, not broken), "busy" answers
 * (load, not health) and any failure after the first token (one prompt's trouble: the next request
 * finds out soon enough whether the endpoint itself is gone) do not.
 */
export function verdictOf(error: InferenceError, streamStarted: boolean): AttemptVerdict {
  return !streamStarted && ENDPOINT_FAILURES.has(error.code) ? 'failure' : 'neutral';
}

/** Worth another attempt elsewhere, as long as nothing was sent to the client yet. */
export function isRetryable(error: InferenceError): boolean {
  return RETRYABLE.has(error.code);
}

/** Full-jitter exponential backoff: a random delay in [0, base * 2^(retry-1)], capped at 5 s. */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5_000, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
