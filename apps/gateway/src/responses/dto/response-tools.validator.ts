import { isPlainObject } from '../../openai/dto/openai-validators';
import { ValidateByPath } from './validate-by-path';

/**
 * `tools`: only the empty list is accepted. Built-in tools (web search, file search, computer use, code
 * interpreter...) run on OpenAI's side and do not exist here; function tools are not offered on this route.
 */
export function IsNoTools(): PropertyDecorator {
  return ValidateByPath('isNoTools', toolsProblem);
}

function toolsProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    return 'tools must be a list';
  }
  for (const [index, tool] of value.entries()) {
    const type = isPlainObject(tool) ? tool.type : undefined;
    if (type === 'function') {
      return `tools[${index}] of type "function" is not supported: this gateway does not offer function calling on /v1/responses`;
    }
    return `tools[${index}] of type "${String(type)}" is not supported: built-in tools are not available on this gateway`;
  }
  return undefined;
}
