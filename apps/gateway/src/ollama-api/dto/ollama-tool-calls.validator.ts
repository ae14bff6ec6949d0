import { isPlainObject, ValidateByProblem } from '../../openai/dto/openai-validators';

/** A call in an assistant message of the history: `{function: {name, arguments: {…}}}`, an id when the client kept one. */
export interface OllamaToolCallDto {
  id?: string;
  type?: 'function';
  function: { name: string; arguments: Record<string, unknown>; index?: number };
}

export function IsOllamaToolCalls(): PropertyDecorator {
  return ValidateByProblem('isOllamaToolCalls', 'tool_calls', toolCallsProblem);
}

function toolCallsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) {
    return 'must be a list of tool calls';
  }
  for (const [index, call] of value.entries()) {
    if (
      !isPlainObject(call) ||
      !isPlainObject(call.function) ||
      typeof call.function.name !== 'string' ||
      !isPlainObject(call.function.arguments) ||
      (call.id !== undefined && typeof call.id !== 'string')
    ) {
      return `[${index}] must be {"function":{"name","arguments":{…}}}`;
    }
  }
  return undefined;
}
