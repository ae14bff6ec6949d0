import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { MAX_OUTPUT_TOKENS, MAX_STOP_SEQUENCES } from '../../openai/dto/openai-sampling.dto';
import { AcceptOnly } from '../../openai/dto/openai-validators';

const finite = { allowNaN: false, allowInfinity: false };
const NOT_HONOURED = 'is not supported by this gateway: it would change the answer and cannot be honoured';

/**
 * Ollama's `options`, in its names. Sampling options the gateway honours are validated like their
 * OpenAI counterparts (`top_k`, `min_p`, `repeat_penalty` and `repeat_last_n`, which OpenAI lacks, by
 * Ollama's own ranges); `num_ctx` is checked against the model's context; the hardware and runtime
 * options Ollama reads at model load are the operator's to choose, so they are accepted and not sent;
 * sampling options the backends cannot honour are rejected by name.
 */
export class OllamaOptionsDto {
  /** -1 (Ollama's default) and -2 mean "until the model stops", capped like every generation here. */
  @IsOptional()
  @Min(-2)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  num_predict?: number;

  @IsOptional()
  @Min(0)
  @Max(2)
  @IsNumber(finite)
  temperature?: number;

  @IsOptional()
  @Min(0)
  @Max(1)
  @IsNumber(finite)
  top_p?: number;

  @IsOptional()
  @Min(-(2 ** 31))
  @Max(2 ** 31 - 1)
  @IsInt()
  seed?: number;

  @IsOptional()
  @MaxLength(256, { each: true })
  @ArrayMaxSize(MAX_STOP_SEQUENCES)
  @IsString({ each: true })
  @IsArray()
  stop?: string[];

  @IsOptional()
  @Min(-2)
  @Max(2)
  @IsNumber(finite)
  presence_penalty?: number;

  @IsOptional()
  @Min(-2)
  @Max(2)
  @IsNumber(finite)
  frequency_penalty?: number;

  /** Checked against the model's context window when the request is mapped. */
  @IsOptional()
  @Min(1)
  @IsInt()
  num_ctx?: number;

  /** 0 turns the filter off, as in Ollama. */
  @IsOptional()
  @Min(0)
  @Max(1_000_000)
  @IsInt()
  top_k?: number;

  @IsOptional()
  @Min(0)
  @Max(1)
  @IsNumber(finite)
  min_p?: number;

  @AcceptOnly([], NOT_HONOURED)
  typical_p?: number;

  @IsOptional()
  @Min(0)
  @Max(2)
  @IsNumber(finite)
  repeat_penalty?: number;

  /** -1: the whole context; 0: no penalty; otherwise that many recent tokens. */
  @IsOptional()
  @Min(-1)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  repeat_last_n?: number;

  @AcceptOnly([], NOT_HONOURED)
  mirostat?: number;

  @AcceptOnly([], NOT_HONOURED)
  mirostat_eta?: number;

  @AcceptOnly([], NOT_HONOURED)
  mirostat_tau?: number;

  @AcceptOnly([], NOT_HONOURED)
  tfs_z?: number;

  @AcceptOnly([], NOT_HONOURED)
  penalize_newline?: boolean;

  // Read by Ollama when it loads a model: shared by every caller, so never taken from a request.
  @IsOptional() @IsInt() num_keep?: number;
  @IsOptional() @IsInt() num_batch?: number;
  @IsOptional() @IsInt() num_gpu?: number;
  @IsOptional() @IsInt() main_gpu?: number;
  @IsOptional() @IsInt() num_thread?: number;
  @IsOptional() @IsBoolean() use_mmap?: boolean;
  @IsOptional() @IsBoolean() use_mlock?: boolean;
  @IsOptional() @IsBoolean() numa?: boolean;
  @IsOptional() @IsBoolean() low_vram?: boolean;
  @IsOptional() @IsBoolean() f16_kv?: boolean;
  @IsOptional() @IsBoolean() vocab_only?: boolean;
  @IsOptional() @IsBoolean() logits_all?: boolean;
}
