import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { AcceptOnly, AcceptOnlyEmpty, IsStringOrStringList } from './openai-validators';

export const MAX_OUTPUT_TOKENS = 8192;
export const MAX_STOP_SEQUENCES = 4;
const MAX_STOP_LENGTH = 256;

const finite = { allowNaN: false, allowInfinity: false };

export class StreamOptionsDto {
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * Request fields shared by /v1/chat/completions and /v1/completions. A field we cannot honour is
 * rejected by name, unless its value asks for the default behaviour (`n: 1`, `logit_bias: {}`).
 */
export abstract class OpenAiSamplingDto {
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model!: string;

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
  @IsStringOrStringList(MAX_STOP_SEQUENCES, MAX_STOP_LENGTH)
  stop?: string | string[];

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

  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  @IsObject({ message: 'stream_options must be an object' })
  stream_options?: StreamOptionsDto;

  @AcceptOnly([1], 'must be 1: this gateway returns exactly one choice per request')
  n?: number;

  @AcceptOnlyEmpty('is not supported: the backends cannot bias token probabilities')
  logit_bias?: Record<string, number>;

  /** An end-user id for the caller's own tracking; it does not change the output. */
  @IsOptional()
  @MaxLength(256)
  @IsString()
  user?: string;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

  @AcceptOnly([false], 'must be false: this gateway does not store completions')
  store?: boolean;

  @AcceptOnly(['auto', 'default'], 'must be "auto" or "default": there is a single service tier')
  service_tier?: string;
}
