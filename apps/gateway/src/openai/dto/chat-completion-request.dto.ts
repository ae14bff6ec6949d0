import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { IsMessageContent } from './message-content.validator';
import { MAX_OUTPUT_TOKENS, OpenAiSamplingDto } from './openai-sampling.dto';
import { AcceptOnly, AcceptOnlyEmpty } from './openai-validators';
import { IsResponseFormat } from './response-format.validator';
import {
  IsToolCallList,
  IsToolChoice,
  IsToolList,
  type OpenAiToolCallDto,
  type OpenAiToolChoice,
  type OpenAiToolDto,
} from './tools.validator';

export const MAX_MESSAGES = 1024;
const MAX_NAME_LENGTH = 256;
const OLD_FUNCTIONS = 'is not supported: send tools and tool_choice instead (OpenAI deprecated functions)';

export class ChatMessageDto {
  @IsIn(['system', 'developer', 'user', 'assistant', 'tool'], {
    message: 'role must be one of system, developer, user, assistant, tool',
  })
  role!: 'system' | 'developer' | 'user' | 'assistant' | 'tool';

  /** An assistant message that only calls tools may leave its content out (or null). */
  @ValidateIf(
    (m: ChatMessageDto) => m.role !== 'assistant' || (m.content !== undefined && m.content !== null),
  )
  @IsMessageContent()
  content!: string | Array<{ type: 'text'; text: string }> | null;

  /** A participant name (multi-agent apps send one per message); chat templates have no slot for it. */
  @IsOptional()
  @MaxLength(MAX_NAME_LENGTH)
  @IsString()
  name?: string;

  /** Echoed back from our own responses, so accepted when null. */
  @AcceptOnly([], 'is not supported in requests')
  refusal?: null;

  @IsOptional()
  @IsToolCallList()
  tool_calls?: OpenAiToolCallDto[];

  @IsOptional()
  @IsNotEmpty()
  @MaxLength(MAX_NAME_LENGTH)
  @IsString()
  tool_call_id?: string;
}

/** Body of POST /v1/chat/completions, in OpenAI's names. */
export class ChatCompletionRequestDto extends OpenAiSamplingDto {
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGES)
  @IsArray()
  // ValidateNested accepts a nested list as a "message" (it validates its elements, of which there are none).
  @IsObject({ each: true, message: 'messages must be a list of message objects' })
  messages!: ChatMessageDto[];

  @IsOptional()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  max_tokens?: number;

  @IsOptional()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  max_completion_tokens?: number;

  @IsOptional()
  @IsResponseFormat()
  response_format?: ResponseFormat;

  @AcceptOnly([false], 'must be false: token log probabilities are not available')
  logprobs?: boolean;

  @AcceptOnly([0], 'is not supported: token log probabilities are not available')
  top_logprobs?: number;

  @IsOptional()
  @IsToolList()
  tools?: OpenAiToolDto[];

  @IsOptional()
  @IsToolChoice()
  tool_choice?: OpenAiToolChoice;

  @AcceptOnlyEmpty(OLD_FUNCTIONS)
  functions?: unknown[];

  @AcceptOnly(['none'], `must be "none": ${OLD_FUNCTIONS.replace('is not supported: ', '')}`)
  function_call?: string;

  /** `false`: at most one tool call per answer. */
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @IsOptional()
  @IsIn(['text'], { each: true, message: 'modalities must be ["text"]: only text output is available' })
  @ArrayMaxSize(1)
  @IsArray()
  modalities?: string[];

  @AcceptOnly([], 'is not supported: only text output is available')
  audio?: null;

  @AcceptOnly([], 'is not supported: predicted outputs are not available')
  prediction?: null;

  @AcceptOnly([], 'is not supported: reasoning output is not available on this gateway')
  reasoning_effort?: null;

  /** The successor of `user` in OpenAI's API: an end-user id for the caller's own tracking. */
  @IsOptional()
  @MaxLength(256)
  @IsString()
  safety_identifier?: string;

  /** A routing hint for OpenAI's prompt cache; the backends reuse a prompt's prefix on their own. */
  @IsOptional()
  @MaxLength(256)
  @IsString()
  prompt_cache_key?: string;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown> } };
