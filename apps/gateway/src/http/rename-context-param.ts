import { ContextLengthExceededError } from '@gateway/inference';

/**
 * Backends name the too-long field in chat terms (`messages`); a dialect whose request calls it
 * otherwise (`input` on /v1/responses, `prompt` on /api/generate) gets its own name in `param` and text.
 */
export function renameContextParam(error: unknown, from: string, to: string): unknown {
  if (!(error instanceof ContextLengthExceededError) || error.param !== from) {
    return error;
  }
  const message = error.message.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
  return new ContextLengthExceededError(message, to, { cause: error });
}
