import {
  ContextLengthExceededError,
  UnsupportedParameterError,
  UpstreamProtocolError,
  type InferenceError,
} from '@gateway/inference';
import type { EmbeddingRequest, EmbeddingResult } from '@gateway/inference';

export const OLLAMA_EMBED_PATH = '/api/embed';

export interface OllamaEmbedBody {
  model: string;
  input: string[];
  /** Off: a text longer than the context is an error, never silently cut. */
  truncate: false;
  dimensions?: number;
  options?: { num_ctx: number };
}

/** The `/api/embed` body for a request; token arrays are a 400 (Ollama embeds text only). */
export function buildOllamaEmbedBody(request: EmbeddingRequest): OllamaEmbedBody {
  if (request.input.kind === 'tokens') {
    throw new UnsupportedParameterError(
      'input',
      'input as token arrays is not supported on the Ollama backend (it embeds text): send strings',
    );
  }
  return {
    model: request.model,
    input: request.input.texts,
    truncate: false,
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.contextLength === undefined ? {} : { options: { num_ctx: request.contextLength } }),
  };
}

/** `{embeddings, prompt_eval_count}` as a result; anything else breaks the protocol. */
export function parseOllamaEmbedResponse(body: unknown, request: EmbeddingRequest): EmbeddingResult {
  const { model, embeddings, prompt_eval_count: promptTokens } = (body ?? {}) as Record<string, unknown>;
  const count = request.input.kind === 'text' ? request.input.texts.length : request.input.tokens.length;
  if (
    !Array.isArray(embeddings) ||
    embeddings.length !== count ||
    !embeddings.every((vector) => Array.isArray(vector) && vector.every((x) => typeof x === 'number'))
  ) {
    throw new UpstreamProtocolError(
      `the inference backend answered ${OLLAMA_EMBED_PATH} without one vector per input`,
    );
  }
  return {
    model: typeof model === 'string' && model !== '' ? model : request.model,
    embeddings: embeddings,
    promptTokens: typeof promptTokens === 'number' ? promptTokens : 0,
  };
}

/**
 * Ollama answers an input longer than the context (with `truncate: false`) with a 400 whose message says
 * so; that is the caller's context_length_exceeded rather than a generic rejection.
 */
export function embedContextError(status: number, message: string): InferenceError | undefined {
  if (status === 400 && /context length/i.test(message)) {
    return new ContextLengthExceededError(
      `An input is longer than the model's maximum context length: ${message}. Please reduce the length of the input.`,
      'input',
    );
  }
  return undefined;
}
