import { isPlainObject, ValidateByProblem } from './openai-validators';

/** A string, or a list of text parts `{"type":"text","text"}` (images and audio are not supported). */
export function IsMessageContent(): PropertyDecorator {
  return ValidateByProblem('isMessageContent', 'content', contentProblem);
}

function contentProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    return 'must be a string or a non-empty list of text parts';
  }
  for (const part of value) {
    if (!isPlainObject(part)) {
      return 'parts must be objects';
    }
    if (part.type !== 'text') {
      return `part type "${String(part.type)}" is not supported: only text parts are`;
    }
    if (typeof part.text !== 'string' || Object.keys(part).some((key) => key !== 'type' && key !== 'text')) {
      return 'text parts must be {"type":"text","text":string}';
    }
  }
  return undefined;
}

/** The text of a validated content value. */
export function contentText(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}
