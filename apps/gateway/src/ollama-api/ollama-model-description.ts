import { createHash } from 'node:crypto';

import { normaliseModelName, type CatalogEntry } from '@gateway/inference';

/** The fields Ollama gives every model in /api/tags and /api/ps. */
export interface OllamaModelDescription {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details: {
    parent_model: string;
    format: string;
    family: string;
    families: string[];
    parameter_size: string;
    quantization_level: string;
  };
}

/**
 * A served model as Ollama describes one, from the gateway's model table alone (the backend is not
 * asked). The digest identifies the public name, so clients that key models by digest keep working.
 */
export function describeModel(entry: CatalogEntry, modifiedAt: string): OllamaModelDescription {
  const name = normaliseModelName(entry.id);
  return {
    name,
    model: name,
    modified_at: modifiedAt,
    size: 0,
    digest: createHash('sha256').update(name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family: '',
      families: [],
      parameter_size: '',
      quantization_level: '',
    },
  };
}
