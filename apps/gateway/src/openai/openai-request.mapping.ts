import type { ChatMessage, GenerationRequest, SamplingParams } from '@gateway/inference';

import type { ChatCompletionRequestDto, ResponseFormat } from './dto/chat-completion-request.dto';
import type { CompletionRequestDto } from './dto/completion-request.dto';
import { contentText } from './dto/message-content.validator';
import { MAX_OUTPUT_TOKENS, type OpenAiSamplingDto } from './dto/openai-sampling.dto';
import { OpenAiParamError } from './openai-param.error';

export function toChatGenerationRequest(body: ChatCompletionRequestDto, model: string): GenerationRequest {
  const messages: ChatMessage[] = body.messages.map((message) => ({
    // `developer` is the newer name OpenAI gives to system instructions.
    role: message.role === 'developer' ? 'system' : message.role,
    content: contentText(message.content),
  }));
  return {
    model,
    input: { kind: 'chat', messages },
    params: {
      ...samplingParams(body, chatMaxTokens(body)),
      format: toFormat(body.response_format),
    },
  };
}

export function toCompletionGenerationRequest(body: CompletionRequestDto, model: string): GenerationRequest {
  const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0];
  return { model, input: { kind: 'prompt', prompt }, params: samplingParams(body, body.max_tokens) };
}

function samplingParams(body: OpenAiSamplingDto, maxTokens: number): SamplingParams {
  return {
    maxTokens,
    temperature: body.temperature,
    topP: body.top_p,
    seed: body.seed,
    stop: body.stop === undefined ? undefined : [body.stop].flat(),
    presencePenalty: body.presence_penalty,
    frequencyPenalty: body.frequency_penalty,
  };
}

/** Without a limit, generation runs until the model stops, its context fills, or MAX_OUTPUT_TOKENS. */
function chatMaxTokens(body: ChatCompletionRequestDto): number {
  const { max_tokens: legacy, max_completion_tokens: current } = body;
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
