/** Injection token of the active InferenceProvider. */
export const INFERENCE_PROVIDER = Symbol('INFERENCE_PROVIDER');

/**
 * The temperature of a request that does not say one, on every backend: OpenAI's default. Ollama's models
 * would otherwise use their own defaults and the embedded engine greedy decoding, so the same request
 * would sample differently per backend.
 */
export const DEFAULT_TEMPERATURE = 1;
