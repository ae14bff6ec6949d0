import { isPlainObject } from '../../openai/dto/openai-validators';
import { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH } from '../../openai/dto/response-format.validator';
import { ValidateByPath } from './validate-by-path';

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export interface TextOptions {
  format?: TextFormat;
  verbosity?: 'medium';
}

/** `text`: `{format?, verbosity?}`, where format is text, json_object, or a flat json_schema with name and schema. */
export function IsTextOptions(): PropertyDecorator {
  return ValidateByPath('isTextOptions', textProblem);
}

function textProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) {
    return 'text must be an object';
  }
  const { format, verbosity, ...rest } = value;
  if (Object.keys(rest).length > 0) {
    return `text has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (verbosity !== undefined && verbosity !== null && verbosity !== 'medium') {
    return 'text.verbosity must be "medium": the backends have no verbosity control';
  }
  return format === undefined || format === null ? undefined : formatProblem(format);
}

function formatProblem(format: unknown): string | undefined {
  if (!isPlainObject(format)) {
    return 'text.format must be an object';
  }
  const { type, name, schema, strict, description, ...rest } = format;
  if (type === 'text' || type === 'json_object') {
    const extra = Object.keys(format).filter((key) => key !== 'type');
    return extra.length === 0
      ? undefined
      : `text.format has fields not allowed with type "${type}": ${extra.join(', ')}`;
  }
  if (type !== 'json_schema') {
    return 'text.format.type must be one of "text", "json_object", "json_schema"';
  }
  if (Object.keys(rest).length > 0) {
    return `text.format has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    return 'text.format.name must be 1-64 letters, digits, underscores or dashes';
  }
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    return 'text.format.strict must be a boolean';
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    return 'text.format.description must be a string';
  }
  if (!isPlainObject(schema)) {
    return 'text.format.schema must be a JSON schema object';
  }
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) {
    return `text.format.schema must be at most ${MAX_SCHEMA_BYTES} bytes`;
  }
  return depthOf(schema) > MAX_SCHEMA_DEPTH
    ? `text.format.schema must be nested at most ${MAX_SCHEMA_DEPTH} levels deep`
    : undefined;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) {
    return 0;
  }
  const children = Object.values(value);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}
