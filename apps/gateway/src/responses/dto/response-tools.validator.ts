import { MAX_TOOLS, TOOL_NAME } from '../../openai/dto/tools.validator';
import { schemaSizeProblem } from '../../openai/dto/response-format.validator';
import { isPlainObject } from '../../openai/dto/openai-validators';
import { ValidateByPath } from './validate-by-path';

/** A function tool as the Responses API spells it: flat, without the `function` wrapper of chat. */
export interface ResponseFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponseToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

const TOOL_KEYS = new Set(['type', 'name', 'description', 'parameters', 'strict']);

/**
 * `tools`: function tools only. Built-in tools (web search, file search, computer use, code interpreter,
 * MCP...) run on OpenAI's side and do not exist here.
 */
export function IsResponseTools(): PropertyDecorator {
  return ValidateByPath('isResponseTools', toolsProblem);
}

export function IsResponseToolChoice(): PropertyDecorator {
  return ValidateByPath('isResponseToolChoice', toolChoiceProblem);
}

function toolsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length > MAX_TOOLS) {
    return `tools must be a list of at most ${MAX_TOOLS} tools`;
  }
  const names = new Set<unknown>();
  for (const [index, tool] of value.entries()) {
    const problem = toolProblem(tool);
    if (problem !== undefined) {
      return `tools[${index}]${problem}`;
    }
    const { name } = tool as ResponseFunctionTool;
    if (names.has(name)) {
      return `tools[${index}].name repeats the function name "${name}"`;
    }
    names.add(name);
  }
  return undefined;
}

function toolProblem(tool: unknown): string | undefined {
  if (!isPlainObject(tool)) {
    return ' must be an object';
  }
  if (tool.type !== 'function') {
    return ` of type ${JSON.stringify(tool.type)} is not supported: built-in tools are not available on this gateway, only function tools`;
  }
  const unknown = Object.keys(tool).filter((key) => !TOOL_KEYS.has(key));
  if (unknown.length > 0) {
    return ` has unknown fields: ${unknown.join(', ')}`;
  }
  const { name, description, parameters, strict } = tool;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    return '.name must be 1-64 letters, digits, underscores or dashes';
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    return '.description must be a string';
  }
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    return '.strict must be a boolean';
  }
  if (parameters === undefined || parameters === null) {
    return undefined;
  }
  if (!isPlainObject(parameters) || (parameters.type !== undefined && parameters.type !== 'object')) {
    return '.parameters must be a JSON schema of type "object"';
  }
  const size = schemaSizeProblem(parameters);
  return size === undefined ? undefined : `.parameters ${size}`;
}

function toolChoiceProblem(value: unknown): string | undefined {
  if (value === 'auto' || value === 'none' || value === 'required') {
    return undefined;
  }
  if (
    isPlainObject(value) &&
    value.type === 'function' &&
    typeof value.name === 'string' &&
    Object.keys(value).length === 2
  ) {
    return undefined;
  }
  return 'tool_choice must be "auto", "none", "required" or {"type":"function","name"}: built-in tools are not available';
}
