import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import { MAX_MESSAGES } from '../../openai/dto/chat-completion-request.dto';
import { AcceptOnly, AcceptOnlyEmpty } from '../../openai/dto/openai-validators';
import { IsToolList, type OpenAiToolDto } from '../../openai/dto/tools.validator';
import { IsOllamaToolCalls, type OllamaToolCallDto } from './ollama-tool-calls.validator';
import { OllamaGenerationRequestDto } from './ollama-generation-request.dto';

export class OllamaChatMessageDto {
  @IsIn(['system', 'user', 'assistant', 'tool'], {
    message: 'role must be one of system, user, assistant, tool',
  })
  role!: 'system' | 'user' | 'assistant' | 'tool';

  @IsString()
  content!: string;

  @AcceptOnlyEmpty('are not supported: only text content is')
  images?: string[];

  /** The calls an assistant message made, as Ollama answered them (arguments as an object). */
  @IsOptional()
  @IsOllamaToolCalls()
  tool_calls?: OllamaToolCallDto[];

  /** On a tool message: the function whose result this is. */
  @IsOptional()
  @MaxLength(64)
  @IsString()
  tool_name?: string;

  /** Echoed back by clients that keep a model's reasoning in the history; it is not sent to the model. */
  @AcceptOnly([''], 'is not supported in requests')
  thinking?: string;
}

/** Body of POST /api/chat. No messages, or none at all, asks Ollama to load the model. */
export class OllamaChatRequestDto extends OllamaGenerationRequestDto {
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => OllamaChatMessageDto)
  @ArrayMaxSize(MAX_MESSAGES)
  @IsObject({ each: true, message: 'messages must be a list of message objects' })
  @IsArray()
  messages?: OllamaChatMessageDto[];

  /** The same `{"type":"function","function":{…}}` list as OpenAI's chat. */
  @IsOptional()
  @IsToolList()
  tools?: OpenAiToolDto[];
}
