import type { InferenceProvider } from '@gateway/inference';

import type { CircuitBreaker } from './circuit-breaker';

/** One backend (an Ollama server, or the embedded engine) with its slots and its breaker. */
export class UpstreamEndpoint {
  /** Generations sent to this endpoint and not finished yet. */
  inflight = 0;

  constructor(
    /** A configured URL or `embedded`: never anything a caller sent. */
    readonly name: string,
    readonly provider: InferenceProvider,
    readonly maxInflight: number,
    readonly breaker: CircuitBreaker,
  ) {}

  hasFreeSlot(): boolean {
    return this.inflight < this.maxInflight && this.breaker.canPass();
  }

  get load(): number {
    return this.inflight / this.maxInflight;
  }
}
