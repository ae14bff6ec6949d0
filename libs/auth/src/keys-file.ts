import { KEY_HASH_PATTERN } from './api-key';

/** What an API key or a JWT subject may do; limits absent fall back to RATE_LIMIT_RPM / _TPM / _CONCURRENCY. */
export interface AccessEntry {
  id: string;
  name?: string;
  models?: string[];
  rpm?: number;
  tpm?: number;
  /** Generations at once. */
  concurrency?: number;
}

export interface KeyEntry extends AccessEntry {
  hash: string;
}

export interface SubjectEntry extends AccessEntry {
  subject: string;
}

export interface KeysFile {
  keys: KeyEntry[];
  subjects: SubjectEntry[];
}

/** A keys file the gateway refuses to start with; its message names the file and the problem. */
export class KeysFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysFileError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Every field the file and its entries may hold; anything else is a typo that must not pass silently. */
const FILE_FIELDS = ['keys', 'subjects'];
const ACCESS_FIELDS = ['id', 'name', 'models', 'rpm', 'tpm', 'concurrency'];
const KEY_FIELDS = [...ACCESS_FIELDS, 'hash'];
const SUBJECT_FIELDS = [...ACCESS_FIELDS, 'subject'];

/** Parses and checks the keys file; the error names the entry at fault, never a hash. */
export function parseKeysFile(text: string): KeysFile {
  if (text.trim() === '') {
    throw new Error('the keys file is empty (a file without keys says {"keys": []})');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the keys file is not valid JSON');
  }
  if (!isRecord(raw)) {
    throw new Error('the keys file must be a JSON object with a "keys" array');
  }
  rejectUnknownFields(raw, FILE_FIELDS, 'the keys file');
  if (raw.keys === undefined) {
    throw new Error('the keys file has no "keys" array (a file without keys says "keys": [])');
  }
  const keys = listOf(raw, 'keys').map((entry, index) => parseKey(entry, `keys[${index}]`));
  const subjects = listOf(raw, 'subjects').map((entry, index) => parseSubject(entry, `subjects[${index}]`));
  rejectDuplicates(keys, subjects);
  return { keys, subjects };
}

function rejectDuplicates(keys: KeyEntry[], subjects: SubjectEntry[]): void {
  const ids = [...keys, ...subjects].map((entry) => entry.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) {
    throw new Error(`the keys file uses the id "${duplicate}" twice`);
  }
  const hashes = new Set(keys.map((key) => key.hash));
  if (hashes.size !== keys.length) {
    throw new Error('the keys file lists the same key hash twice');
  }
  const subjectNames = subjects.map((entry) => entry.subject);
  const twice = subjects.find((entry, index) => subjectNames.indexOf(entry.subject) !== index);
  if (twice !== undefined) {
    throw new Error(`subjects (${twice.id}): the keys file lists this entry's subject twice`);
  }
}

function rejectUnknownFields(value: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(value).find((field) => !allowed.includes(field));
  if (unknown !== undefined) {
    // Named only when it looks like a field name: a pasted key must never reach a log line.
    const named = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(unknown) ? ` "${unknown}"` : '';
    throw new Error(`${where} has an unknown field${named} (allowed: ${allowed.join(', ')})`);
  }
}

function parseKey(value: unknown, where: string): KeyEntry {
  const entry = parseAccess(value, where, KEY_FIELDS);
  const hash = (value as Record<string, unknown>).hash;
  if (typeof hash !== 'string' || !KEY_HASH_PATTERN.test(hash)) {
    throw new Error(`${where} (${entry.id}): "hash" must be sha256:<64 hex digits> (see npm run key:create)`);
  }
  return { ...entry, hash };
}

function parseSubject(value: unknown, where: string): SubjectEntry {
  const entry = parseAccess(value, where, SUBJECT_FIELDS);
  const subject = (value as Record<string, unknown>).subject;
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new Error(`${where} (${entry.id}): "subject" must be the JWT sub claim`);
  }
  return { ...entry, subject };
}

function parseAccess(value: unknown, where: string, fields: string[]): AccessEntry {
  if (!isRecord(value)) {
    throw new Error(`${where} must be an object`);
  }
  const { id, name, models, rpm, tpm, concurrency } = value;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new Error(`${where}: "id" must be 1-64 characters of A-Z a-z 0-9 . _ : -`);
  }
  rejectUnknownFields(value, fields, `${where} (${id})`);
  // JWT callers are identified as `jwt:<subject>`; a key with such an id would share their limits.
  if (id.startsWith('jwt:')) {
    throw new Error(`${where} (${id}): ids starting with "jwt:" are reserved for JWT subjects`);
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new Error(`${where} (${id}): "name" must be a string`);
  }
  if (models !== undefined && !(Array.isArray(models) && models.every((m) => typeof m === 'string'))) {
    throw new Error(`${where} (${id}): "models" must be a list of model ids`);
  }
  for (const [field, limit] of [
    ['rpm', rpm],
    ['tpm', tpm],
    ['concurrency', concurrency],
  ] as const) {
    if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 0)) {
      throw new Error(`${where} (${id}): "${field}" must be a whole number >= 0 (0 = unlimited)`);
    }
  }
  const allModels = models === undefined || models.includes('*');
  return {
    id,
    name: name,
    models: allModels ? undefined : models,
    rpm: rpm as number | undefined,
    tpm: tpm as number | undefined,
    concurrency: concurrency as number | undefined,
  };
}

function listOf(raw: Record<string, unknown>, field: string): unknown[] {
  const value = raw[field];
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new Error(`the keys file's "${field}" must be an array`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
