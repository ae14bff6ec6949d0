import { isPlainObject, ValidateByProblem } from '../../openai/dto/openai-validators';
import { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH } from '../../openai/dto/response-format.validator';

/** Ollama's `format`: `"json"`, or a JSON schema object of bounded size and depth (`""` means none). */
export function IsOllamaFormat(): PropertyDecorator {
  return ValidateByProblem('isOllamaFormat', 'format', formatProblem);
}

function formatProblem(value: unknown): string | undefined {
  if (value === 'json' || value === '') {
    return undefined;
  }
  if (!isPlainObject(value)) {
    return 'must be "json" or a JSON schema object';
  }
  if (JSON.stringify(value).length > MAX_SCHEMA_BYTES) {
    return `must be a schema of at most ${MAX_SCHEMA_BYTES} bytes`;
  }
  if (depthOf(value) > MAX_SCHEMA_DEPTH) {
    return `must be a schema nested at most ${MAX_SCHEMA_DEPTH} levels deep`;
  }
  return undefined;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) {
    return 0;
  }
  const children = Object.values(value);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}
