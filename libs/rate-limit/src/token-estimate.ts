import type { GenerationInput } from '@gateway/inference';

const CHARS_PER_TOKEN = 4;

/**
 * Tokens a request's input will take, before the backend has counted them: about one token per four
 * characters of the prompt, or of every string in the messages (roles and contents alike).
 */
export function estimateInputTokens(input: GenerationInput): number {
  return Math.ceil(textLength(input.kind === 'prompt' ? input.prompt : input.messages) / CHARS_PER_TOKEN);
}

/** Characters of every string inside a value; iterative, so no input can overflow the stack. */
function textLength(value: unknown): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      total += item.length;
    } else if (Array.isArray(item)) {
      for (const element of item as unknown[]) {
        pending.push(element);
      }
    } else if (typeof item === 'object' && item !== null) {
      for (const element of Object.values(item)) {
        pending.push(element);
      }
    }
  }
  return total;
}
