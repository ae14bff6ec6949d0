import { ContextLengthExceededError } from './inference.errors';
import type { GenerationInput } from './inference.types';

/** About four characters per token: the usual rule of thumb for BPE vocabularies on English text. */
export const CHARS_PER_TOKEN_ESTIMATE = 4;

/** The request field a too-long input is reported against. */
export function inputParam(input: GenerationInput): 'messages' | 'prompt' {
  return input.kind === 'chat' ? 'messages' : 'prompt';
}

/**
 * Throws when the prompt leaves no room to generate in a context of `contextLength` tokens; otherwise
 * returns the output budget: `maxTokens`, bounded by what remains of the context.
 */
export function completionBudget(
  input: GenerationInput,
  promptTokens: number,
  maxTokens: number,
  contextLength: number,
): number {
  if (promptTokens >= contextLength) {
    throw ContextLengthExceededError.counted(contextLength, promptTokens, inputParam(input));
  }
  return Math.min(maxTokens, contextLength - promptTokens);
}

/**
 * Tokens of an input for a backend that does not tokenize for the gateway: the characters of every
 * message (tool calls and tool definitions included) divided by CHARS_PER_TOKEN_ESTIMATE, rounded up.
 */
export function estimatePromptTokens(input: GenerationInput, toolsJson = ''): number {
  const chars =
    input.kind === 'prompt'
      ? input.prompt.length
      : input.messages.reduce(
          (sum, message) =>
            sum +
            message.content.length +
            (message.toolCalls ?? []).reduce(
              (calls, call) => calls + call.name.length + call.arguments.length,
              0,
            ),
          0,
        );
  return Math.ceil((chars + toolsJson.length) / CHARS_PER_TOKEN_ESTIMATE);
}
