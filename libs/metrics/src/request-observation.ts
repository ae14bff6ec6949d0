import { AsyncLocalStorage } from 'node:async_hooks';

import type { RequestOutcome } from './gateway-metrics';

/** What the request pipeline learns about one request while handling it, for its final metrics. */
export interface RequestObservation {
  /** Seconds spent waiting on the backend; subtracted from the total to get the overhead. */
  upstreamSeconds: number;
  /** Set when the status code alone cannot tell (a stream that failed after its 200). */
  outcome?: RequestOutcome;
  /** Tokens the backend reported for this request (summed over its generations); unset if none finished. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Set once the backend produced its first token for this request. */
  generated?: boolean;
}

const storage = new AsyncLocalStorage<RequestObservation>();

export function runWithObservation<T>(observation: RequestObservation, fn: () => T): T {
  return storage.run(observation, fn);
}

/** The observation of the request being handled, if any. */
export function currentObservation(): RequestObservation | undefined {
  return storage.getStore();
}
