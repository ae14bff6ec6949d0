import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UpstreamUnavailableError } from '@gateway/inference';
import { buildTestModel, testModelFileName } from './gguf/test-model';

/** MODEL_PATH names a file that is not there or cannot be loaded. */
export class EmbeddedModelFileError extends UpstreamUnavailableError {}

export async function assertReadable(path: string): Promise<void> {
  try {
    await access(path);
  } catch (error) {
    throw new EmbeddedModelFileError(`MODEL_PATH=${path}: the model file cannot be read`, { cause: error });
  }
}

/**
 * Writes the generated test model into `cacheDir` (or the OS temp dir when that is not writable) and
 * returns its path. The file is rewritten only when its bytes differ, and atomically, so that several
 * processes can share the cache.
 */
export async function ensureTestModel(cacheDir: string): Promise<string> {
  const bytes = buildTestModel('tiny');
  try {
    return await writeIfChanged(cacheDir, bytes);
  } catch {
    return writeIfChanged(join(tmpdir(), 'llm-gateway-models'), bytes);
  }
}

async function writeIfChanged(dir: string, bytes: Buffer): Promise<string> {
  const path = join(dir, testModelFileName('tiny'));
  const existing = await readFile(path).catch(() => undefined);
  if (existing?.equals(bytes)) {
    return path;
  }
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
  return path;
}
