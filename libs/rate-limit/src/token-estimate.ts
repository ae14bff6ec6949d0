/** Reserved for the completion when a request does not say its max_tokens (the /v1/generate default). */
export const DEFAULT_COMPLETION_ESTIMATE = 256;
const CHARS_PER_TOKEN = 4;
const INPUT_FIELDS = ['prompt', 'messages', 'input', 'system', 'suffix'];

/**
 * Tokens to reserve before a call: about one token per four characters of input, plus the most the
 * call may generate. The reservation is corrected with the real count when the response ends.
 */
export function estimateTokens(body: unknown): number {
  if (typeof body !== 'object' || body === null) {
    return 0;
  }
  const fields = body as Record<string, unknown>;
  const inputChars = INPUT_FIELDS.reduce((sum, field) => sum + textLength(fields[field]), 0);
  if (inputChars === 0 && !('prompt' in fields || 'messages' in fields)) {
    return 0;
  }
  const maxTokens = positiveInt(fields.max_completion_tokens) ?? positiveInt(fields.max_tokens);
  const choices = positiveInt(fields.n) ?? 1;
  return Math.ceil(inputChars / CHARS_PER_TOKEN) + (maxTokens ?? DEFAULT_COMPLETION_ESTIMATE) * choices;
}

/** Characters of every string inside a value (message objects, content parts...). */
function textLength(value: unknown): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      total += item.length;
    } else if (Array.isArray(item)) {
      pending.push(...(item as unknown[]));
    } else if (typeof item === 'object' && item !== null) {
      pending.push(...(Object.values(item) as unknown[]));
    }
  }
  return total;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
