import { randomBytes } from 'node:crypto';

import type { GenerationResult } from '@gateway/inference';

import { toOpenAiToolCalls } from './openai-tools.mapping';

/** What every response and chunk of one completion shares. */
export interface CompletionIdentity {
  id: string;
  created: number;
  /** The public model id the caller asked for. */
  model: string;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function newIdentity(prefix: 'chatcmpl' | 'cmpl', model: string): CompletionIdentity {
  return {
    id: `${prefix}-${randomBytes(12).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

export function toOpenAiUsage(result: GenerationResult): OpenAiUsage {
  const { promptTokens, completionTokens } = result.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

export function toChatCompletion(identity: CompletionIdentity, result: GenerationResult): object {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: toAssistantMessage(result),
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: toOpenAiUsage(result),
  };
}

/** With tool calls, OpenAI sends `content: null` unless the model also wrote text. */
function toAssistantMessage(result: GenerationResult): object {
  const calls = result.toolCalls ?? [];
  if (calls.length === 0) {
    return { role: 'assistant', content: result.text, refusal: null };
  }
  return {
    role: 'assistant',
    content: result.text === '' ? null : result.text,
    refusal: null,
    tool_calls: toOpenAiToolCalls(calls),
  };
}

export function toTextCompletion(identity: CompletionIdentity, result: GenerationResult): object {
  return {
    ...identity,
    object: 'text_completion',
    choices: [{ index: 0, text: result.text, logprobs: null, finish_reason: result.finishReason }],
    usage: toOpenAiUsage(result),
  };
}
