import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  ValidateNested,
} from 'class-validator';

import { MAX_MESSAGES } from '../../openai/dto/chat-completion-request.dto';
import { AcceptOnly, AcceptOnlyEmpty } from '../../openai/dto/openai-validators';
import { OllamaGenerationRequestDto } from './ollama-generation-request.dto';

const NO_TOOLS = 'is not supported: this gateway does not offer tool calling on the Ollama API yet';

export class OllamaChatMessageDto {
  @IsIn(['system', 'user', 'assistant'], {
    message: 'role must be one of system, user, assistant (tool messages are not supported)',
  })
  role!: 'system' | 'user' | 'assistant';

  @IsString()
  content!: string;

  @AcceptOnlyEmpty('are not supported: only text content is')
  images?: string[];

  @AcceptOnlyEmpty(NO_TOOLS)
  tool_calls?: unknown[];

  /** Echoed back by clients that keep a model's reasoning in the history; it is not sent to the model. */
  @AcceptOnly([''], 'is not supported in requests')
  thinking?: string;
}

/** Body of POST /api/chat. */
export class OllamaChatRequestDto extends OllamaGenerationRequestDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGES)
  @ValidateNested({ each: true })
  @Type(() => OllamaChatMessageDto)
  @IsObject({ each: true, message: 'messages must be a list of message objects' })
  messages!: OllamaChatMessageDto[];

  @AcceptOnlyEmpty(NO_TOOLS)
  tools?: unknown[];
}
