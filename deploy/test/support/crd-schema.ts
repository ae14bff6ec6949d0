import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEPLOY_DIR } from './render';

/** The structural-schema keywords CRDs use, as far as deploy/schemas needs them. */
export interface Schema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface SchemaFile {
  definitions: Record<string, Schema>;
  kinds: Record<string, Schema>;
}

export class CrdSchemas {
  private constructor(
    private readonly apiVersion: string,
    private readonly file: SchemaFile,
  ) {}

  static load(apiVersion: string): CrdSchemas {
    const fileName = `${apiVersion.replace('/', '_')}.json`;
    const text = readFileSync(join(DEPLOY_DIR, 'schemas', fileName), 'utf8');
    return new CrdSchemas(apiVersion, JSON.parse(text) as SchemaFile);
  }

  handles(object: { apiVersion?: unknown; kind?: unknown }): boolean {
    return (
      object.apiVersion === this.apiVersion &&
      typeof object.kind === 'string' &&
      object.kind in this.file.kinds
    );
  }

  /** Errors for one object, unknown fields included (objects with properties are closed). */
  validate(object: { kind: string }): string[] {
    const schema = this.file.kinds[object.kind];
    if (!schema) {
      return [`no schema for kind ${object.kind}`];
    }
    const errors: string[] = [];
    this.walk(object, schema, '', errors);
    return errors;
  }

  private resolve(schema: Schema): Schema {
    if (schema.$ref === undefined) {
      return schema;
    }
    const target = this.file.definitions[schema.$ref];
    if (!target) {
      throw new Error(`unresolved $ref ${schema.$ref}`);
    }
    return this.resolve(target);
  }

  private walk(value: unknown, raw: Schema, path: string, errors: string[]): void {
    const schema = this.resolve(raw);
    const at = path === '' ? '/' : path;
    if (schema['x-kubernetes-int-or-string']) {
      if (typeof value !== 'string' && !Number.isInteger(value)) {
        errors.push(`${at}: must be an integer or a string`);
      }
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) {
      errors.push(`${at}: must be one of ${schema.enum.join(', ')}`);
    }
    switch (schema.type) {
      case 'object':
        return this.walkObject(value, schema, path, errors);
      case 'array':
        if (!Array.isArray(value)) {
          errors.push(`${at}: must be an array`);
          return;
        }
        value.forEach(
          (item: unknown, index) => schema.items && this.walk(item, schema.items, `${path}/${index}`, errors),
        );
        return;
      case 'string':
        if (typeof value !== 'string') {
          errors.push(`${at}: must be a string`);
        } else if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
          errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
        } else if (schema.minLength !== undefined && value.length < schema.minLength) {
          errors.push(`${at}: shorter than ${schema.minLength}`);
        }
        return;
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
          errors.push(`${at}: must be ${schema.type === 'integer' ? 'an integer' : 'a number'}`);
        } else if (schema.minimum !== undefined && value < schema.minimum) {
          errors.push(`${at}: below ${schema.minimum}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') {
          errors.push(`${at}: must be a boolean`);
        }
        return;
      case undefined:
        return;
    }
  }

  private walkObject(value: unknown, schema: Schema, path: string, errors: string[]): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${path || '/'}: must be an object`);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) {
        errors.push(`${path}/${key}: required`);
      }
    }
    for (const [key, child] of Object.entries(record)) {
      const property = schema.properties?.[key];
      if (property) {
        this.walk(child, property, `${path}/${key}`, errors);
      } else if (typeof schema.additionalProperties === 'object') {
        this.walk(child, schema.additionalProperties, `${path}/${key}`, errors);
      } else if (
        !schema['x-kubernetes-preserve-unknown-fields'] &&
        (schema.properties !== undefined || schema.additionalProperties === false)
      ) {
        errors.push(`unknown field "${path}/${key}"`);
      }
    }
  }
}
