import { getMetadataStorage } from 'class-validator';

export type JsonSchema = Record<string, unknown>;
export type Constructor = abstract new (...args: never[]) => unknown;

const textParts = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: { type: { const: 'text' }, text: { type: 'string' } },
    required: ['type', 'text'],
  },
};
const stringOrStrings = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** The gateway's own validators, as the schemas of what they accept. */
const CUSTOM: Record<string, JsonSchema> = {
  isMessageContent: { oneOf: [{ type: 'string' }, textParts, { type: 'null' }] },
  isResponseFormat: {
    type: 'object',
    properties: {
      type: { enum: ['text', 'json_object', 'json_schema'] },
      json_schema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          schema: { type: 'object' },
          strict: { type: 'boolean' },
          description: { type: 'string' },
        },
        required: ['name', 'schema'],
      },
    },
    required: ['type'],
  },
  isToolList: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        type: { const: 'function' },
        function: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            parameters: { type: 'object' },
            strict: { type: 'boolean' },
          },
          required: ['name'],
        },
      },
      required: ['type', 'function'],
    },
  },
  isToolChoice: {
    oneOf: [
      { enum: ['auto', 'none', 'required'] },
      {
        type: 'object',
        properties: {
          type: { const: 'function' },
          function: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
        required: ['type', 'function'],
      },
    ],
  },
  isToolCallList: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        type: { const: 'function' },
        function: {
          type: 'object',
          properties: { name: { type: 'string' }, arguments: { type: 'string' } },
          required: ['name', 'arguments'],
        },
      },
      required: ['id', 'type', 'function'],
    },
  },
  isStringOrStringList: stringOrStrings,
  isEmbeddingInput: {
    oneOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'string' } },
      { type: 'array', items: { type: 'integer' } },
      { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
    ],
  },
};

/** Keyword each built-in validator adds to a property's schema. */
const KEYWORDS: Record<string, (constraints: unknown[]) => JsonSchema> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isIn: ([values]) => ({ enum: values }),
  min: ([value]) => ({ minimum: value }),
  max: ([value]) => ({ maximum: value }),
  minLength: ([value]) => ({ minLength: value }),
  maxLength: ([value]) => ({ maxLength: value }),
  isNotEmpty: () => ({ minLength: 1 }),
  arrayMinSize: ([value]) => ({ minItems: value }),
  arrayMaxSize: ([value]) => ({ maxItems: value }),
};

/**
 * A request DTO's JSON schema, read from the class-validator decorators that validate it: the document
 * cannot drift from what the gateway accepts. Nested DTOs become `$ref`s collected into `schemas`.
 */
export function schemaOfDto(
  dto: Constructor,
  schemas: Record<string, JsonSchema>,
  /** The DTO class of each nested property (class-transformer's `@Type`), by property name. */
  nestedTypes: Record<string, Constructor>,
): JsonSchema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const properties: Record<string, JsonSchema> = {};
  const optional = new Set<string>();
  for (const item of metadata) {
    const name = item.propertyName;
    const schema = (properties[name] ??= {});
    const each = item.each === true;
    if (item.type === 'conditionalValidation') {
      optional.add(name);
    } else if (item.type === 'nestedValidation') {
      const nested = nestedTypes[name];
      if (nested) {
        schemas[nested.name] ??= schemaOfDto(nested, schemas, nestedTypes);
        addTo(schema, { $ref: `#/components/schemas/${nested.name}` }, each);
      }
    } else if (item.name === 'acceptOnly' || item.name === 'acceptOnlyEmpty') {
      optional.add(name);
      schema.description =
        'Accepted only with the value that asks for the default behaviour (see docs/api.md).';
    } else if (item.name && CUSTOM[item.name]) {
      Object.assign(schema, CUSTOM[item.name]);
    } else if (item.name && KEYWORDS[item.name]) {
      addTo(schema, KEYWORDS[item.name](item.constraints ?? []), each);
    }
  }
  for (const schema of Object.values(properties)) {
    tidy(schema);
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** A `$ref` stands alone in the item schema; keywords of `each` validators apply to the items. */
function addTo(schema: JsonSchema, keywords: JsonSchema, each: boolean): void {
  if (!each) {
    Object.assign(schema, keywords);
    return;
  }
  schema.type = 'array';
  const items = (schema.items ??= {}) as JsonSchema;
  if ('$ref' in keywords || '$ref' in items) {
    schema.items = '$ref' in keywords ? keywords : items;
  } else {
    Object.assign(items, keywords);
  }
}

/** Bounds of the wrong kind for the type (a string's minLength on an array) move to where they belong. */
function tidy(schema: JsonSchema): void {
  if (schema.type === 'array' && 'minLength' in schema) {
    delete schema.minLength;
  }
  if (schema.oneOf && schema.type) {
    delete schema.type;
  }
}
