import type { FinishReason, GenerationRequest, GenerationResult } from '@gateway/inference';

import type { GenerateRequestDto } from './dto/generate-request.dto';

export interface GenerateResponseBody {
  generated_text: string;
  prompt: string;
  tokens_generated: number;
  finish_reason: FinishReason;
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  timings: { load_ms?: number; prompt_eval_ms?: number; eval_ms?: number };
}

export function toGenerationRequest(body: GenerateRequestDto, model: string): GenerationRequest {
  return {
    model,
    input: { kind: 'prompt', prompt: body.prompt },
    params: { maxTokens: body.max_tokens, temperature: body.temperature, topP: body.top_p },
  };
}

/** `model` is the public id callers know (a model table may map it to another backend name). */
export function toGenerateResponse(
  prompt: string,
  result: GenerationResult,
  model: string,
): GenerateResponseBody {
  return {
    generated_text: result.text,
    prompt,
    tokens_generated: result.usage.completionTokens,
    finish_reason: result.finishReason,
    model,
    usage: toUsage(result),
    timings: {
      load_ms: result.timings.loadMs,
      prompt_eval_ms: result.timings.promptEvalMs,
      eval_ms: result.timings.evalMs,
    },
  };
}

export function toUsage(result: GenerationResult): GenerateResponseBody['usage'] {
  const { promptTokens, completionTokens } = result.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
