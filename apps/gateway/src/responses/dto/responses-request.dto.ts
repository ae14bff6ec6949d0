import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { MAX_OUTPUT_TOKENS } from '../../openai/dto/openai-sampling.dto';
import { AcceptOnly, AcceptOnlyEmpty } from '../../openai/dto/openai-validators';
import { IsResponseInput, type ResponseInput } from './response-input.validator';
import {
  IsResponseToolChoice,
  IsResponseTools,
  type ResponseFunctionTool,
  type ResponseToolChoice,
} from './response-tools.validator';
import { IsTextOptions, type TextOptions } from './text-format.validator';

const finite = { allowNaN: false, allowInfinity: false };
const STATELESS =
  'is not supported: this gateway stores no responses or conversations; send the whole conversation in input';

/**
 * Body of POST /v1/responses, the stateless part of OpenAI's Responses API. A field that would need
 * stored state, a built-in tool or a feature the backends lack is a 400 naming it.
 */
export class ResponsesRequestDto {
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model!: string;

  @IsResponseInput()
  input!: ResponseInput;

  @IsOptional()
  @IsString()
  instructions?: string | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  max_output_tokens?: number | null;

  @IsOptional()
  @Min(0)
  @Max(2)
  @IsNumber(finite)
  temperature?: number | null;

  @IsOptional()
  @Min(0)
  @Max(1)
  @IsNumber(finite)
  top_p?: number | null;

  @IsOptional()
  @IsBoolean()
  stream?: boolean | null;

  @IsOptional()
  @IsTextOptions()
  text?: TextOptions | null;

  @IsOptional()
  @IsResponseTools()
  tools?: ResponseFunctionTool[] | null;

  @IsOptional()
  @IsResponseToolChoice()
  tool_choice?: ResponseToolChoice | null;

  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean | null;

  @IsOptional()
  @Min(0)
  @IsInt()
  max_tool_calls?: number | null;

  /** Echoed in the response; it does not change the output. */
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string> | null;

  /** Accepted either way; nothing is stored and the response says `store: false`. */
  @IsOptional()
  @IsBoolean()
  store?: boolean | null;

  @AcceptOnly([], STATELESS)
  previous_response_id?: string | null;

  @AcceptOnly([], STATELESS)
  conversation?: unknown;

  @AcceptOnly([], "is not supported: reusable prompts are stored on OpenAI's side")
  prompt?: unknown;

  @AcceptOnly([false], 'must be false: background responses need stored state')
  background?: boolean | null;

  @AcceptOnlyEmpty('is not supported: this gateway has no reasoning models to configure')
  reasoning?: Record<string, unknown> | null;

  /** `reasoning.encrypted_content` is accepted (there is no reasoning to include); anything else is refused. */
  @IsOptional()
  @IsIn(['reasoning.encrypted_content'], {
    each: true,
    message: 'include may only list "reasoning.encrypted_content": no other extra output is available',
  })
  include?: string[] | null;

  @AcceptOnly([0], 'is not supported: token log probabilities are not available')
  top_logprobs?: number | null;

  @AcceptOnly(['disabled'], 'must be "disabled": input is never truncated to fit')
  truncation?: string | null;

  @AcceptOnly(['auto', 'default'], 'must be "auto" or "default": there is a single service tier')
  service_tier?: string | null;

  /** Identifiers for the caller's own tracking and OpenAI's caching; they do not change the output. */
  @IsOptional()
  @MaxLength(256)
  @IsString()
  user?: string | null;

  @IsOptional()
  @MaxLength(256)
  @IsString()
  safety_identifier?: string | null;

  @IsOptional()
  @MaxLength(256)
  @IsString()
  prompt_cache_key?: string | null;

  @IsOptional()
  @IsObject()
  stream_options?: Record<string, unknown> | null;
}
