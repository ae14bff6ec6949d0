import { UpstreamUnavailableError } from '@gateway/inference';

import type { UpstreamEndpoint } from './upstream-endpoint';

/** The endpoints a request may be sent to, now or whenever it is looked at again (a waiter's later turn). */
export type CandidateSource = readonly UpstreamEndpoint[] | (() => readonly UpstreamEndpoint[]);

export function candidatesOf(source: CandidateSource): readonly UpstreamEndpoint[] {
  return typeof source === 'function' ? source() : source;
}

/**
 * The endpoints that can take a request now. Normally those with a free slot whose breaker lets
 * requests through. When every candidate's breaker is open there is nothing to fail over to, so the
 * breaker only paces the attempts: an open endpoint takes one probe per probe interval.
 */
export function takersAmong(candidates: readonly UpstreamEndpoint[]): UpstreamEndpoint[] {
  const free = candidates.filter((endpoint) => endpoint.hasFreeSlot());
  if (free.length > 0 || !everyResting(candidates)) {
    return free;
  }
  return candidates.filter((endpoint) => endpoint.canProbeAlone());
}

/** Every candidate's breaker is open (an empty list is not: nothing is resting there). */
export function everyResting(candidates: readonly UpstreamEndpoint[]): boolean {
  return candidates.length > 0 && candidates.every((endpoint) => endpoint.breaker.state === 'open');
}

/** The answer while every candidate rests: Retry-After is the real time to the next attempt. */
export function restingError(candidates: readonly UpstreamEndpoint[]): UpstreamUnavailableError {
  const waitMs = Math.min(...candidates.map((endpoint) => endpoint.breaker.retryInMs));
  return new UpstreamUnavailableError('every backend endpoint serving this model is failing', {
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}
