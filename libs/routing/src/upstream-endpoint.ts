import type { InferenceProvider } from '@gateway/inference';

import type { CircuitBreaker } from './circuit-breaker';

/** One backend (an Ollama server, or the embedded engine) with its slots and its breaker. */
export class UpstreamEndpoint {
  /** Generations sent to this endpoint and not finished yet. */
  inflight = 0;
  /** Gone from discovery: takes no new requests, while the ones it already has run to their end. */
  retired = false;

  constructor(
    /** A configured URL, an address found by discovery, or `embedded`: never anything a caller sent. */
    readonly name: string,
    readonly provider: InferenceProvider,
    readonly maxInflight: number,
    readonly breaker: CircuitBreaker,
    /** The discovery name (`dns://...`) that found it; undefined for a configured endpoint. */
    readonly source?: string,
  ) {}

  hasFreeSlot(): boolean {
    return !this.retired && this.inflight < this.maxInflight && this.breaker.canPass();
  }

  /** May take a probe although its breaker is open, because no other endpoint can take the request. */
  canProbeAlone(): boolean {
    return !this.retired && this.inflight < this.maxInflight && this.breaker.canProbeAlone();
  }

  get load(): number {
    return this.inflight / this.maxInflight;
  }
}
