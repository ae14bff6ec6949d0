import type { ApiError } from './api-error';

/** Longest message an error body carries, whatever its shape (ours, OpenAI's, an SSE error event). */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;
const MAX_PARAM_LENGTH = 128;
/** Room kept for the "and N more" tail. */
const TAIL_ROOM = 32;

/** Joins validation messages in order, replacing those that would not fit by how many there are. */
export function joinMessages(messages: readonly unknown[]): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; index < messages.length; index += 1) {
    const text = String(messages[index]);
    if (parts.length > 0 && length + text.length > MAX_ERROR_MESSAGE_LENGTH - TAIL_ROOM) {
      parts.push(`and ${messages.length - index} more`);
      break;
    }
    parts.push(text);
    length += text.length + 2;
  }
  return parts.join('; ');
}

/** Caps what an error repeats back to the client: messages and field names can echo caller input. */
export function boundApiError(error: ApiError): ApiError {
  const message = truncate(error.message, MAX_ERROR_MESSAGE_LENGTH);
  const param = error.param === undefined ? undefined : truncate(error.param, MAX_PARAM_LENGTH);
  return message === error.message && param === error.param ? error : { ...error, message, param };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
