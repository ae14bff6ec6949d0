import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { IsStringOrStringList } from '../../openai/dto/openai-validators';
import { OllamaOptionsDto } from './ollama-options.dto';

export const MAX_EMBED_INPUTS = 2048;
const MAX_INPUT_LENGTH = 256 * 1024;

abstract class OllamaEmbeddingBaseDto {
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model!: string;

  /** Accepted and not forwarded, as on the generation routes. */
  @IsOptional()
  @ValidateIf((_, value) => typeof value !== 'number')
  @IsString({ message: 'keep_alive must be a duration string or a number of seconds' })
  keep_alive?: string | number;

  @IsOptional()
  @ValidateNested()
  @Type(() => OllamaOptionsDto)
  @IsObject({ message: 'options must be an object' })
  options?: OllamaOptionsDto;
}

/** Body of POST /api/embed. */
export class OllamaEmbedRequestDto extends OllamaEmbeddingBaseDto {
  @IsStringOrStringList(MAX_EMBED_INPUTS, MAX_INPUT_LENGTH, 1)
  input!: string | string[];

  /** Ollama cuts inputs to the context by default; here an input that does not fit is a 400 instead. */
  @IsOptional()
  @IsBoolean()
  truncate?: boolean;

  @IsOptional()
  @Min(1)
  @Max(65_536)
  @IsInt()
  dimensions?: number;
}

/** Body of the legacy POST /api/embeddings: one prompt, one vector. */
export class OllamaEmbeddingsRequestDto extends OllamaEmbeddingBaseDto {
  @MaxLength(MAX_INPUT_LENGTH)
  @IsString()
  prompt!: string;
}
