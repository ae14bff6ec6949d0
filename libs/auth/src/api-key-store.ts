import { readFileSync, statSync, unwatchFile, watchFile, type Stats } from 'node:fs';

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';

import { hashApiKey } from './api-key';
import {
  KeysFileError,
  parseKeysFile,
  type AccessEntry,
  type KeyEntry,
  type KeysFile,
  type SubjectEntry,
} from './keys-file';
import type { Principal } from './principal';

/**
 * The keys file, held as hashes only and re-read when it changes (a Kubernetes Secret update swaps
 * the file under its mount). A malformed file stops start-up; a malformed, emptied, deleted or
 * unreadable update is refused loudly (error log, `keys_reload_failures_total`) and the last good
 * set stays in force.
 */
@Injectable()
export class ApiKeyStore implements OnModuleDestroy {
  private readonly logger = new Logger('ApiKeyStore');
  private readonly file?: string;
  private keysByHash = new Map<string, KeyEntry>();
  private subjects = new Map<string, SubjectEntry>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    this.file = config.auth.apiKeysFile;
    if (this.file === undefined) {
      return;
    }
    this.load(this.file, true);
    watchFile(this.file, { interval: config.auth.apiKeysReloadIntervalMs, persistent: false }, this.onChange);
  }

  /** Re-reads the keys file; false (and the last good set kept) when the new content is refused. */
  reload(): boolean {
    return this.file === undefined || this.load(this.file, false);
  }

  /** The caller owning this key, if it is a known key. */
  principalForKey(key: string): Principal | undefined {
    // Looked up by hash: the lookup's timing can hint at a stored hash at most, never at a key.
    const entry = this.keysByHash.get(hashApiKey(key));
    return entry ? this.principal(entry.id, entry) : undefined;
  }

  /** The caller behind a verified JWT subject; subjects absent from the file get the defaults. */
  principalForSubject(subject: string): Principal {
    return this.principal(`jwt:${subject}`, this.subjects.get(subject) ?? { id: subject });
  }

  onModuleDestroy(): void {
    if (this.file !== undefined) {
      unwatchFile(this.file, this.onChange);
    }
  }

  private readonly onChange = (current: Stats, previous: Stats): void => {
    if (
      current.mtimeMs !== previous.mtimeMs ||
      current.ino !== previous.ino ||
      current.size !== previous.size
    ) {
      this.reload();
    }
  };

  private load(file: string, atStartup: boolean): boolean {
    let parsed: KeysFile;
    try {
      parsed = parseKeysFile(readKeysFile(file));
    } catch (error) {
      const message = `API_KEYS_FILE ${file}: ${(error as Error).message}`;
      if (atStartup) {
        throw new KeysFileError(message);
      }
      this.metrics.keysReloadFailures.inc();
      this.logger.error(
        `${message}; update refused, the ${this.keysByHash.size} keys and ${this.subjects.size} JWT subjects loaded before stay in force`,
      );
      return false;
    }
    this.keysByHash = new Map(parsed.keys.map((entry) => [entry.hash, entry]));
    this.subjects = new Map(parsed.subjects.map((entry) => [entry.subject, entry]));
    const loaded = `loaded ${parsed.keys.length} API keys and ${parsed.subjects.length} JWT subjects`;
    if (parsed.keys.length === 0 && this.config.auth.methods.includes('keys')) {
      this.logger.warn(`${loaded}: every call with an API key is refused`);
    } else {
      this.logger.log(loaded);
    }
    return true;
  }

  private principal(id: string, entry: AccessEntry): Principal {
    return {
      id,
      requestsPerMinute: entry.rpm ?? this.config.rateLimit.requestsPerMinute,
      tokensPerMinute: entry.tpm ?? this.config.rateLimit.tokensPerMinute,
      concurrency: entry.concurrency ?? this.config.rateLimit.concurrency,
      models: entry.models,
    };
  }
}

/** Far more than any real keys file (about 200 bytes an entry): a bigger one is a mistake, not keys. */
export const MAX_KEYS_FILE_BYTES = 1024 * 1024;

/** The file's text, or an error saying plainly why it cannot be had. */
function readKeysFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw unreadable(error);
  }
  if (size > MAX_KEYS_FILE_BYTES) {
    throw new Error(`the keys file is larger than ${MAX_KEYS_FILE_BYTES} bytes`);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(error);
  }
}

function unreadable(error: unknown): Error {
  const reasons: Record<string, string> = {
    ENOENT: 'the keys file does not exist',
    EACCES: 'the keys file cannot be read (permission denied)',
    EISDIR: 'the keys file is a directory',
  };
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new Error(reasons[code] ?? `the keys file cannot be read (${code || 'unknown error'})`);
}
