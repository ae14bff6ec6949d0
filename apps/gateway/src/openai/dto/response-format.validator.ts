import { isPlainObject, ValidateByProblem } from './openai-validators';

export const MAX_SCHEMA_BYTES = 64 * 1024;
export const MAX_SCHEMA_DEPTH = 32;

/**
 * `{"type":"text"}`, `{"type":"json_object"}`, or `{"type":"json_schema","json_schema":{"name","schema",
 * "strict"?,"description"?}}` with a schema object of bounded size and depth.
 */
export function IsResponseFormat(): PropertyDecorator {
  return ValidateByProblem('isResponseFormat', 'response_format', responseFormatProblem);
}

export function responseFormatProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) {
    return 'must be an object';
  }
  const { type, json_schema: spec, ...rest } = value;
  if (Object.keys(rest).length > 0) {
    return `has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (type === 'text' || type === 'json_object') {
    return spec === undefined ? undefined : `json_schema is only allowed with type "json_schema"`;
  }
  if (type !== 'json_schema') {
    return 'type must be one of "text", "json_object", "json_schema"';
  }
  return jsonSchemaProblem(spec);
}

function jsonSchemaProblem(spec: unknown): string | undefined {
  if (!isPlainObject(spec)) {
    return 'json_schema must be an object with a name and a schema';
  }
  const { name, schema, strict, description, ...rest } = spec;
  if (Object.keys(rest).length > 0) {
    return `json_schema has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    return 'json_schema.name must be 1-64 letters, digits, underscores or dashes';
  }
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    return 'json_schema.strict must be a boolean';
  }
  if (description !== undefined && typeof description !== 'string') {
    return 'json_schema.description must be a string';
  }
  if (!isPlainObject(schema)) {
    return 'json_schema.schema must be a JSON schema object';
  }
  const size = schemaSizeProblem(schema);
  return size ? `json_schema.schema ${size}` : undefined;
}

/** Bounds every schema a caller sends (response formats, tool parameters). */
export function schemaSizeProblem(schema: Record<string, unknown>): string | undefined {
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) {
    return `must be at most ${MAX_SCHEMA_BYTES} bytes`;
  }
  if (depthOf(schema) > MAX_SCHEMA_DEPTH) {
    return `must be nested at most ${MAX_SCHEMA_DEPTH} levels deep`;
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
