import type { ChatMessage, GenerationRequest, SamplingParams } from '@gateway/inference';

import { MAX_OUTPUT_TOKENS } from '../openai/dto/openai-sampling.dto';
import { toToolUse } from '../openai/openai-tools.mapping';
import type { OllamaChatRequestDto } from './dto/ollama-chat-request.dto';
import type { OllamaGenerateRequestDto } from './dto/ollama-generate-request.dto';
import type { OllamaGenerationRequestDto } from './dto/ollama-generation-request.dto';
import { toOllamaChatMessages } from './ollama-messages.mapping';
import { OllamaParamError } from './ollama-param.error';

/** The served model's context window in tokens, when the gateway knows it. */
export type ContextLimit = number | undefined;

export function toOllamaChatGenerationRequest(
  body: OllamaChatRequestDto,
  model: string,
  contextLimit: ContextLimit,
): GenerationRequest {
  const messages = toOllamaChatMessages(body.messages ?? []);
  const tools = toToolUse({ tools: body.tools });
  return {
    model,
    input: { kind: 'chat', messages },
    params: samplingParams(body, contextLimit),
    ...(tools ? { tools } : {}),
  };
}

/**
 * A generate prompt is rendered with the model's template, as Ollama does (raw prompts are refused),
 * which is the same as a chat of the system text and the prompt.
 */
export function toOllamaGenerateGenerationRequest(
  body: OllamaGenerateRequestDto,
  model: string,
  contextLimit: ContextLimit,
): GenerationRequest {
  const messages: ChatMessage[] = [];
  if (body.system) {
    messages.push({ role: 'system', content: body.system });
  }
  messages.push({ role: 'user', content: body.prompt ?? '' });
  return { model, input: { kind: 'chat', messages }, params: samplingParams(body, contextLimit) };
}

function samplingParams(body: OllamaGenerationRequestDto, contextLimit: ContextLimit): SamplingParams {
  const options = body.options ?? {};
  if (options.num_ctx !== undefined && contextLimit !== undefined && options.num_ctx > contextLimit) {
    throw new OllamaParamError(
      'options.num_ctx',
      `options.num_ctx must be at most ${contextLimit}: the model's context window on this gateway`,
    );
  }
  const stop = options.stop?.filter((sequence) => sequence !== '');
  return {
    // Ollama's -1 / -2 ("until the model stops") end at the gateway's cap, like an OpenAI chat without a limit.
    maxTokens:
      options.num_predict !== undefined && options.num_predict > 0 ? options.num_predict : MAX_OUTPUT_TOKENS,
    temperature: options.temperature,
    topP: options.top_p,
    seed: options.seed,
    stop: stop && stop.length > 0 ? stop : undefined,
    presencePenalty: options.presence_penalty,
    frequencyPenalty: options.frequency_penalty,
    topK: options.top_k,
    minP: options.min_p,
    repeatPenalty: options.repeat_penalty,
    repeatLastN: options.repeat_last_n,
    format: body.format === '' ? undefined : body.format,
  };
}
