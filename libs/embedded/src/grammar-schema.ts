import { UnsupportedParameterError } from '@gateway/inference';

/** Keywords node-llama-cpp's JSON-schema grammar enforces. */
const ENFORCED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'enum',
  'const',
  'oneOf',
  'anyOf',
  '$defs',
  '$ref',
  'format',
]);
/** Notes for readers that do not constrain the value: dropped. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  '$schema',
  '$id',
  '$comment',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
const STRING_FORMATS = new Set(['date-time', 'date', 'time']);
/** Bounds that say no more than "a JavaScript-safe integer" (zod emits them for every int). */
const SAFE_BOUNDS: Record<string, number> = {
  minimum: Number.MIN_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
};

/**
 * A caller's JSON schema as the grammar generator takes it: annotations dropped, `anyOf` read as `oneOf`
 * (the same choice for a generator), and anything the grammar could not enforce rejected by name, so that
 * the output is never claimed to follow a schema it does not.
 */
export function toGrammarSchema(schema: Record<string, unknown>, param: string): Record<string, unknown> {
  const unsupported = new Set<string>();
  const converted = convert(schema, unsupported, 'schema');
  if (unsupported.size > 0) {
    throw new UnsupportedParameterError(
      param,
      `${param} uses JSON schema features the embedded backend cannot enforce: ${[...unsupported].join(', ')}`,
    );
  }
  return converted as Record<string, unknown>;
}

function convert(value: unknown, unsupported: Set<string>, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => convert(item, unsupported, `${where}[${index}]`));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (ANNOTATIONS.has(key)) {
      continue;
    }
    if (key in SAFE_BOUNDS && child === SAFE_BOUNDS[key]) {
      continue;
    }
    if (!ENFORCED.has(key)) {
      unsupported.add(key);
      continue;
    }
    if (key === 'format' && !(typeof child === 'string' && STRING_FORMATS.has(child))) {
      unsupported.add(`format "${String(child)}"`);
      continue;
    }
    const name = key === 'anyOf' ? 'oneOf' : key;
    // Property names and $defs names are data, not keywords.
    out[name] =
      key === 'properties' || key === '$defs'
        ? mapValues(child, (sub, subName) => convert(sub, unsupported, `${where}.${subName}`))
        : key === 'enum' || key === 'const' || key === 'required'
          ? child
          : convert(child, unsupported, `${where}.${key}`);
  }
  return out;
}

function mapValues(value: unknown, fn: (child: unknown, name: string) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, fn(child, name)]));
}
