import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { ToInt } from './env-transforms';

export const INFERENCE_BACKENDS = ['ollama', 'embedded'] as const;
export type InferenceBackend = (typeof INFERENCE_BACKENDS)[number];

/** Which engine generates tokens and where it lives. */
export class InferenceEnv {
  /** No default here: development falls back to `embedded`, production must choose (see cross-checks). */
  @IsOptional()
  @IsIn(INFERENCE_BACKENDS)
  INFERENCE_BACKEND?: InferenceBackend;

  @IsString()
  @MinLength(1)
  OLLAMA_HOST = 'http://127.0.0.1:11434';

  /** Defaults to qwen2.5:0.5b on Ollama, to the GGUF file's name on the embedded engine. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MODEL_NAME?: string;

  /** GGUF file for the embedded backend; unset means the generated random-weights test model. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MODEL_PATH?: string;

  /**
   * CPU threads Ollama uses per generation (sent as `options.num_thread`); unset lets Ollama decide,
   * which it does from the host's cores, not from the container's CPU limit.
   */
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(256)
  OLLAMA_NUM_THREAD?: number;

  /**
   * Context window (tokens) of the served model on Ollama, sent as `num_ctx`; unset leaves Ollama's own
   * default (OLLAMA_CONTEXT_LENGTH). Also the default of model-table rows without `contextLength`.
   */
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(256)
  @Max(1_048_576)
  MODEL_CONTEXT_LENGTH?: number;

  /** Most inputs one `/v1/embeddings` request may carry (400 beyond). */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(2048)
  EMBEDDINGS_MAX_INPUTS = 128;

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(256)
  EMBEDDED_THREADS = 1;

  /** Context window (tokens) of the embedded engine, per sequence. */
  @ToInt()
  @IsInt()
  @Min(64)
  @Max(131_072)
  EMBEDDED_CONTEXT_SIZE = 2048;

  /** Requests the embedded engine serves at once (one context sequence each); the rest wait. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(64)
  EMBEDDED_PARALLEL = 2;
}
