import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

import {
  ConfigValidationError,
  isDiscoveryName,
  normaliseOllamaHost,
  parseDiscoverySource,
} from '@gateway/config';
import { parse as parseYaml } from 'yaml';

import { normaliseModelName } from './model-names';

/** One row of the model table: a public model, the names it answers to, and where it runs. */
export interface ModelTableEntry {
  /** Public id shown in /v1/models and accepted in requests. */
  id: string;
  /** Name of the model on the backend. */
  backendModel: string;
  /** Further public names for the same model. */
  aliases: string[];
  /**
   * Endpoints that serve it: OLLAMA_HOSTS URLs, or OLLAMA_DISCOVERY names (`dns://...`, meaning every
   * address found under that name); undefined means all of them.
   */
  endpoints?: string[];
  /** Context window in tokens (Ollama's `num_ctx`); undefined leaves the backend's default. */
  contextLength?: number;
  /** The model turns text into vectors (`/v1/embeddings`) rather than generating. */
  embeddings?: boolean;
}

const ENTRY_KEYS = new Set(['id', 'backendModel', 'aliases', 'endpoints', 'contextLength', 'embeddings']);
const MIN_CONTEXT = 256;
const MAX_CONTEXT = 1_048_576;
const PUBLIC_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/**
 * Reads and validates a model table (JSON or YAML: `{models: [{id, backendModel, aliases?, endpoints?,
 * contextLength?, embeddings?}]}`).
 * Every problem is reported at once; endpoints must be among `knownHosts` so that the table can never
 * point the gateway at a host the operator did not configure.
 */
export function loadModelTable(path: string, knownHosts: readonly string[] | undefined): ModelTableEntry[] {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ModelTableError([`cannot read ${path}: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const models = (raw as { models?: unknown } | null)?.models;
  if (!Array.isArray(models) || models.length === 0) {
    throw new ModelTableError(['the file must have a non-empty `models` list']);
  }
  const entries = models.map((item, index) => parseEntry(item, `models[${index}]`, knownHosts, problems));
  checkNamesUnique(entries, problems);
  if (problems.length > 0) {
    throw new ModelTableError(problems);
  }
  return entries;
}

/** Start-up stops with every problem of the table listed, like any other configuration error. */
export class ModelTableError extends ConfigValidationError {
  constructor(problems: string[]) {
    super(problems.map((problem) => `MODELS_FILE: ${problem}`));
  }
}

function parseEntry(
  item: unknown,
  where: string,
  knownHosts: readonly string[] | undefined,
  problems: string[],
): ModelTableEntry {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problems.push(`${where}: must be an object with id and backendModel`);
    return { id: '', backendModel: '', aliases: [] };
  }
  const record = item as Record<string, unknown>;
  for (const key of Object.keys(record).filter((k) => !ENTRY_KEYS.has(k))) {
    problems.push(`${where}: unknown key '${key}'`);
  }
  const id = publicName(record.id, `${where}.id`, problems);
  const backendModel = typeof record.backendModel === 'string' ? record.backendModel.trim() : '';
  if (backendModel === '') {
    problems.push(`${where}.backendModel: must be a non-empty string`);
  }
  const aliases = stringList(record.aliases, `${where}.aliases`, problems).map((alias, i) =>
    publicName(alias, `${where}.aliases[${i}]`, problems),
  );
  const endpoints =
    record.endpoints === undefined
      ? undefined
      : endpointList(record.endpoints, `${where}.endpoints`, knownHosts, problems);
  const contextLength = optionalContextLength(record.contextLength, `${where}.contextLength`, problems);
  if (record.embeddings !== undefined && typeof record.embeddings !== 'boolean') {
    problems.push(`${where}.embeddings: must be true or false`);
  }
  return {
    id,
    backendModel,
    aliases,
    endpoints,
    ...(contextLength === undefined ? {} : { contextLength }),
    ...(record.embeddings === true ? { embeddings: true } : {}),
  };
}

function optionalContextLength(value: unknown, where: string, problems: string[]): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_CONTEXT || value > MAX_CONTEXT) {
    problems.push(`${where}: must be a whole number of tokens from ${MIN_CONTEXT} to ${MAX_CONTEXT}`);
    return undefined;
  }
  return value;
}

function publicName(value: unknown, where: string, problems: string[]): string {
  if (typeof value !== 'string' || !PUBLIC_NAME.test(value)) {
    problems.push(
      `${where}: must be 1-128 characters of letters, digits and . _ : / - (not starting with one)`,
    );
    return '';
  }
  return value;
}

function stringList(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    problems.push(`${where}: must be a list of strings`);
    return [];
  }
  return value;
}

function endpointList(
  value: unknown,
  where: string,
  knownHosts: readonly string[] | undefined,
  problems: string[],
): string[] {
  if (!knownHosts) {
    problems.push(`${where}: endpoints apply to the Ollama backend only`);
    return [];
  }
  const listed = stringList(value, where, problems);
  if (Array.isArray(value) && listed.length === 0) {
    problems.push(`${where}: must list at least one endpoint, or be left out for all of them`);
  }
  return listed.flatMap((entry, i) => {
    let host: string;
    try {
      host = isDiscoveryName(entry) ? parseDiscoverySource(entry).name : normaliseOllamaHost(entry);
    } catch (error) {
      problems.push(`${where}[${i}]: ${(error as Error).message}`);
      return [];
    }
    if (!knownHosts.includes(host)) {
      problems.push(`${where}[${i}]: ${host} is not one of the configured OLLAMA_HOSTS or OLLAMA_DISCOVERY`);
      return [];
    }
    return [host];
  });
}

function checkNamesUnique(entries: ModelTableEntry[], problems: string[]): void {
  const seen = new Map<string, string>();
  entries.forEach((entry, index) => {
    for (const name of [entry.id, ...entry.aliases].filter((n) => n !== '')) {
      const key = normaliseModelName(name);
      const owner = seen.get(key);
      if (owner !== undefined && owner !== entry.id) {
        problems.push(`models[${index}]: '${name}' is already a name of '${owner}'`);
      } else if (owner === undefined) {
        seen.set(key, entry.id);
      }
    }
  });
}
