import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateApiKey, hashApiKey, type KeyEntry, type SubjectEntry } from '@gateway/auth';

/** A fresh key and its keys-file entry. */
export function newApiKey(entry: Omit<KeyEntry, 'hash'>): { key: string; entry: KeyEntry } {
  const key = generateApiKey();
  return { key, entry: { ...entry, hash: hashApiKey(key) } };
}

/** A temporary directory holding a keys file, replaced atomically like a Kubernetes Secret update. */
export class KeysFileFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'gateway-keys-'));
  readonly path = join(this.dir, 'keys.json');
  private writes = 0;

  write(keys: KeyEntry[], subjects: SubjectEntry[] = []): this {
    return this.writeText(JSON.stringify({ keys, subjects }, null, 2));
  }

  writeText(text: string): this {
    this.writes += 1;
    const staged = join(this.dir, `.keys-${this.writes}.json`);
    writeFileSync(staged, text);
    renameSync(staged, this.path);
    return this;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Retries `check` until it stops throwing, for behaviour that follows a file change. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
