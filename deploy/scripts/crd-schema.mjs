// Writes deploy/schemas/<group>_<version>.json from upstream CustomResourceDefinition files, for the
// offline strict validation of deploy/test (support/crd-schema.ts). Keeps the structural keywords
// (types, properties, required, enums, patterns, lengths, bounds, int-or-string) and drops
// descriptions, status and CEL rules, which that validation does not evaluate.
// Usage: node deploy/scripts/crd-schema.mjs <out.json> <source note> <crd.yaml>...
import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const KEEP = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
]);

function trim(schema) {
  if (Array.isArray(schema)) {
    return schema.map(trim);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEEP.has(key)) {
      continue;
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, trim(child)]));
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = trim(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const [outFile, source, ...crdFiles] = process.argv.slice(2);
if (!outFile || !source || crdFiles.length === 0) {
  console.error('usage: crd-schema.mjs <out.json> <source note> <crd.yaml>...');
  process.exit(2);
}
const version = /_([^_]+)\.json$/.exec(outFile)?.[1];
const kinds = {};
for (const file of crdFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') {
      continue;
    }
    const served = crd.spec.versions.find((candidate) => candidate.name === version);
    if (!served) {
      throw new Error(`${file}: no version ${version}`);
    }
    const schema = trim(served.schema.openAPIV3Schema);
    delete schema.properties.status;
    schema.properties.metadata = { $ref: 'metadata' };
    schema.required = [...new Set(['apiVersion', 'kind', 'metadata', ...(schema.required ?? [])])];
    kinds[crd.spec.names.kind] = schema;
  }
}
const file = {
  $comment:
    `Structural schema of ${Object.keys(kinds).join(', ')} from ${source}, written by ` +
    'deploy/scripts/crd-schema.mjs (descriptions, status and CEL rules dropped). Objects with ' +
    "'properties' reject unknown fields, as the API server's strict field validation does.",
  definitions: {
    stringMap: { type: 'object', additionalProperties: { type: 'string' } },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        namespace: { type: 'string' },
        labels: { $ref: 'stringMap' },
        annotations: { $ref: 'stringMap' },
      },
    },
  },
  kinds,
};
writeFileSync(outFile, `${JSON.stringify(file)}\n`);
