import type { GenerationRequest, SamplingParams } from '@gateway/inference';

import type { ChatCompletionRequestDto, ResponseFormat } from './dto/chat-completion-request.dto';
import { DEFAULT_COMPLETION_TOKENS, type CompletionRequestDto } from './dto/completion-request.dto';
import { MAX_OUTPUT_TOKENS, type OpenAiSamplingDto } from './dto/openai-sampling.dto';
import { toChatMessages } from './openai-messages.mapping';
import { OpenAiParamError } from './openai-param.error';
import { toToolUse } from './openai-tools.mapping';

export function toChatGenerationRequest(body: ChatCompletionRequestDto, model: string): GenerationRequest {
  const tools = toToolUse(body);
  return {
    model,
    input: { kind: 'chat', messages: toChatMessages(body.messages) },
    params: {
      ...samplingParams(body, chatMaxTokens(body)),
      format: toFormat(body.response_format),
    },
    ...(tools ? { tools } : {}),
  };
}

export function toCompletionGenerationRequest(body: CompletionRequestDto, model: string): GenerationRequest {
  const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0];
  const maxTokens = body.max_tokens ?? DEFAULT_COMPLETION_TOKENS;
  return { model, input: { kind: 'prompt', prompt }, params: samplingParams(body, maxTokens) };
}

/** OpenAI clients often send `null` for "not set"; it must never reach the backend as a value. */
function samplingParams(body: OpenAiSamplingDto, maxTokens: number): SamplingParams {
  return {
    maxTokens,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed ?? undefined,
    stop: body.stop === undefined || body.stop === null ? undefined : [body.stop].flat(),
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
  };
}

/** Without a limit, generation runs until the model stops, its context fills, or MAX_OUTPUT_TOKENS. */
function chatMaxTokens(body: ChatCompletionRequestDto): number {
  const legacy = body.max_tokens ?? undefined;
  const current = body.max_completion_tokens ?? undefined;
  if (legacy !== undefined && current !== undefined && legacy !== current) {
    throw new OpenAiParamError(
      'max_tokens',
      'max_tokens and max_completion_tokens disagree: send only max_completion_tokens',
    );
  }
  return current ?? legacy ?? MAX_OUTPUT_TOKENS;
}

function toFormat(format: ResponseFormat | undefined): SamplingParams['format'] {
  switch (format?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json_object':
      return 'json';
    case 'json_schema':
      return format.json_schema.schema;
  }
}
