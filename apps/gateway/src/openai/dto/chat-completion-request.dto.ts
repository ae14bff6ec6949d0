import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { IsMessageContent } from './message-content.validator';
import { MAX_OUTPUT_TOKENS, OpenAiSamplingDto } from './openai-sampling.dto';
import { AcceptOnly, AcceptOnlyEmpty } from './openai-validators';
import { IsResponseFormat } from './response-format.validator';

export const MAX_MESSAGES = 1024;
const NO_TOOLS = 'is not supported: this gateway does not offer tool or function calling';

export class ChatMessageDto {
  @IsIn(['system', 'developer', 'user', 'assistant'], {
    message: 'role must be one of system, developer, user, assistant (tool messages are not supported)',
  })
  role!: 'system' | 'developer' | 'user' | 'assistant';

  @IsMessageContent()
  content!: string | Array<{ type: 'text'; text: string }>;

  /** Echoed back from our own responses, so accepted when null. */
  @AcceptOnly([], 'is not supported in requests')
  refusal?: null;

  @AcceptOnlyEmpty(NO_TOOLS)
  tool_calls?: unknown[];
}

/** Body of POST /v1/chat/completions, in OpenAI's names. */
export class ChatCompletionRequestDto extends OpenAiSamplingDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGES)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  // ValidateNested accepts a nested list as a "message" (it validates its elements, of which there are none).
  @IsObject({ each: true, message: 'messages must be a list of message objects' })
  messages!: ChatMessageDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  max_tokens?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  max_completion_tokens?: number;

  @IsOptional()
  @IsResponseFormat()
  response_format?: ResponseFormat;

  @AcceptOnly([false], 'must be false: token log probabilities are not available')
  logprobs?: boolean;

  @AcceptOnly([0], 'is not supported: token log probabilities are not available')
  top_logprobs?: number;

  @AcceptOnlyEmpty(NO_TOOLS)
  tools?: unknown[];

  @AcceptOnly(['none'], `must be "none": ${NO_TOOLS.replace('is not supported: ', '')}`)
  tool_choice?: string;

  @AcceptOnlyEmpty(NO_TOOLS)
  functions?: unknown[];

  @AcceptOnly(['none'], `must be "none": ${NO_TOOLS.replace('is not supported: ', '')}`)
  function_call?: string;

  /** Meaningless without tools, so any boolean is accepted. */
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(['text'], { each: true, message: 'modalities must be ["text"]: only text output is available' })
  modalities?: string[];

  @AcceptOnly([], 'is not supported: only text output is available')
  audio?: null;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown> } };
