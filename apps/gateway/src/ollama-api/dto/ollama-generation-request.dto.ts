import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { AcceptOnly } from '../../openai/dto/openai-validators';
import { IsOllamaFormat } from './ollama-format.validator';
import { OllamaOptionsDto } from './ollama-options.dto';

/** Fields /api/chat and /api/generate share, in Ollama's names. */
export abstract class OllamaGenerationRequestDto {
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model!: string;

  @IsOptional()
  @IsOllamaFormat()
  format?: 'json' | '' | Record<string, unknown>;

  @IsOptional()
  @ValidateNested()
  @Type(() => OllamaOptionsDto)
  @IsObject({ message: 'options must be an object' })
  options?: OllamaOptionsDto;

  /** Ollama streams unless told otherwise. */
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  /**
   * How long Ollama keeps the model loaded afterwards. Accepted and not forwarded: residency is shared
   * by every caller (`0` would unload the model under other requests), so the server's setting applies.
   */
  @IsOptional()
  @ValidateIf((_, value) => typeof value !== 'number')
  @IsString({ message: 'keep_alive must be a duration string or a number of seconds' })
  keep_alive?: string | number;

  @AcceptOnly([false], 'must be false: thinking output is not supported by this gateway')
  think?: boolean;
}
