import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { MAX_OUTPUT_TOKENS, OpenAiSamplingDto } from './openai-sampling.dto';
import { AcceptOnly, IsStringOrStringList } from './openai-validators';

export const MAX_PROMPT_CHARS = 1_000_000;
/** OpenAI's default for the legacy completions API. */
export const DEFAULT_COMPLETION_TOKENS = 16;

/** Body of POST /v1/completions (the legacy text completions API), in OpenAI's names. */
export class CompletionRequestDto extends OpenAiSamplingDto {
  /** One prompt: a string, or a list holding one string (batches would need several choices). */
  @IsStringOrStringList(1, MAX_PROMPT_CHARS, 1)
  prompt!: string | string[];

  @IsOptional()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS)
  @IsInt()
  max_tokens: number = DEFAULT_COMPLETION_TOKENS;

  @AcceptOnly([false], 'must be false: echoing the prompt is not supported')
  echo?: boolean;

  @AcceptOnly([], 'is not supported: insertion (suffix) is not available')
  suffix?: null;

  @AcceptOnly([1], 'must be 1: this gateway returns exactly one choice per request')
  best_of?: number;

  @AcceptOnly([0], 'is not supported: token log probabilities are not available')
  logprobs?: number;
}
