import { schemaSizeProblem } from './response-format.validator';
import { isPlainObject, ValidateByProblem } from './openai-validators';

export const MAX_TOOLS = 128;
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** An OpenAI tool list entry: `{"type":"function","function":{"name","description"?,"parameters"?,"strict"?}}`. */
export interface OpenAiToolDto {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type OpenAiToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

/** A call in an assistant message of the history: arguments are JSON text. */
export interface OpenAiToolCallDto {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function IsToolList(): PropertyDecorator {
  return ValidateByProblem('isToolList', 'tools', toolsProblem);
}

export function IsToolChoice(): PropertyDecorator {
  return ValidateByProblem('isToolChoice', 'tool_choice', toolChoiceProblem);
}

export function IsToolCallList(): PropertyDecorator {
  return ValidateByProblem('isToolCallList', 'tool_calls', toolCallsProblem);
}

export function toolsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length > MAX_TOOLS) {
    return `must be a list of at most ${MAX_TOOLS} tools`;
  }
  const names = new Set<string>();
  for (const [index, tool] of value.entries()) {
    const problem = toolProblem(tool);
    if (problem) {
      return `[${index}] ${problem}`;
    }
    const name = (tool as OpenAiToolDto).function.name;
    if (names.has(name)) {
      return `[${index}] repeats the function name "${name}"`;
    }
    names.add(name);
  }
  return undefined;
}

function toolProblem(tool: unknown): string | undefined {
  if (!isPlainObject(tool) || tool.type !== 'function' || !isPlainObject(tool.function)) {
    return 'must be {"type":"function","function":{...}}: only function tools are supported';
  }
  const extra = Object.keys(tool).filter((key) => key !== 'type' && key !== 'function');
  if (extra.length > 0) {
    return `has unknown fields: ${extra.join(', ')}`;
  }
  const { name, description, parameters, strict, ...rest } = tool.function;
  if (Object.keys(rest).length > 0) {
    return `function has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    return 'function.name must be 1-64 letters, digits, underscores or dashes';
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    return 'function.description must be a string';
  }
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    return 'function.strict must be a boolean';
  }
  if (parameters === undefined || parameters === null) {
    return undefined;
  }
  if (!isPlainObject(parameters) || (parameters.type !== undefined && parameters.type !== 'object')) {
    return 'function.parameters must be a JSON schema of type "object"';
  }
  const size = schemaSizeProblem(parameters);
  return size ? `function.parameters ${size}` : undefined;
}

export function toolChoiceProblem(value: unknown): string | undefined {
  if (value === 'auto' || value === 'none' || value === 'required') {
    return undefined;
  }
  if (
    isPlainObject(value) &&
    value.type === 'function' &&
    isPlainObject(value.function) &&
    typeof value.function.name === 'string' &&
    Object.keys(value).length === 2 &&
    Object.keys(value.function).length === 1
  ) {
    return undefined;
  }
  return 'must be "auto", "none", "required" or {"type":"function","function":{"name"}}';
}

export function toolCallsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) {
    return 'must be a list of tool calls';
  }
  for (const [index, call] of value.entries()) {
    if (
      !isPlainObject(call) ||
      typeof call.id !== 'string' ||
      call.id === '' ||
      call.type !== 'function' ||
      !isPlainObject(call.function) ||
      typeof call.function.name !== 'string' ||
      typeof call.function.arguments !== 'string'
    ) {
      return `[${index}] must be {"id","type":"function","function":{"name","arguments"}}`;
    }
    if (!isJsonObjectText(call.function.arguments)) {
      return `[${index}].function.arguments must be a JSON object encoded as a string`;
    }
  }
  return undefined;
}

function isJsonObjectText(text: string): boolean {
  try {
    return isPlainObject(JSON.parse(text));
  } catch {
    return false;
  }
}
