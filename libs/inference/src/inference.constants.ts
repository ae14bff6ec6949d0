/** Injection token of the active InferenceProvider. */
export const INFERENCE_PROVIDER = Symbol('INFERENCE_PROVIDER');
