import type { GenerationOptions } from '@gateway/inference';

/**
 * The seam the embedding routes need from a backend: vectors for texts. It has the shape of the inference
 * provider's optional `embed` method, so a provider that can embed serves as the embedder as it is.
 */
export interface EmbeddingCall {
  /** The backend's model name. */
  model: string;
  input: { kind: 'text'; texts: string[] };
  dimensions?: number;
  contextLength?: number;
}

export interface EmbeddingAnswer {
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  promptTokens: number;
}

export interface Embedder {
  embed(request: EmbeddingCall, options?: GenerationOptions): Promise<EmbeddingAnswer>;
}

/** Bound to the inference provider when it can embed; unbound otherwise (the routes then answer 501). */
export const EMBEDDER = Symbol('EMBEDDER');

export function embedderOf(provider: object): Embedder | undefined {
  return typeof (provider as Partial<Embedder>).embed === 'function' ? (provider as Embedder) : undefined;
}
