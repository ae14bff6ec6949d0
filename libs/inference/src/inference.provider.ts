import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  ModelInfo,
  ModelStatus,
} from './inference.types';

/** The seam between the HTTP surface and whatever generates tokens. */
export interface InferenceProvider {
  /** Short name for logs and diagnostics (`ollama`, `embedded`). */
  readonly backendName: string;

  /** Streams deltas then one `done` event; throws InferenceError subclasses, never HTTP errors. */
  stream(request: GenerationRequest, options?: GenerationOptions): AsyncIterable<GenerationEvent>;

  /** Vectors for texts (`/v1/embeddings`); absent on a backend that cannot embed. */
  embed?(request: EmbeddingRequest, options?: GenerationOptions): Promise<EmbeddingResult>;

  listModels(options?: GenerationOptions): Promise<ModelInfo[]>;

  /** Whether the backend answers and the model is there and warm; never generates tokens. */
  modelStatus(model: string, options?: GenerationOptions): Promise<ModelStatus>;
}
