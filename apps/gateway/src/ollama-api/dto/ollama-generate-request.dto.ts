import { IsOptional, IsString } from 'class-validator';

import { AcceptOnly, AcceptOnlyEmpty } from '../../openai/dto/openai-validators';
import { OllamaGenerationRequestDto } from './ollama-generation-request.dto';

/** Body of POST /api/generate. An empty or missing prompt only loads the model, as in Ollama. */
export class OllamaGenerateRequestDto extends OllamaGenerationRequestDto {
  @IsOptional()
  @IsString()
  prompt?: string;

  /** Rendered as the conversation's system message. */
  @IsOptional()
  @IsString()
  system?: string;

  @AcceptOnly([''], 'is not supported: fill-in-the-middle is not available')
  suffix?: string;

  @AcceptOnlyEmpty('are not supported: only text prompts are')
  images?: string[];

  @AcceptOnly([''], "is not supported: the model's own template is always used")
  template?: string;

  @AcceptOnly([false], "must be false: prompts are always rendered with the model's template")
  raw?: boolean;

  @AcceptOnlyEmpty('is not supported: send the conversation to /api/chat instead')
  context?: number[];
}
