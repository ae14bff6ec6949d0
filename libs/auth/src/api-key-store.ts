import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { hashApiKey } from './api-key';
import { parseKeysFile, type AccessEntry, type KeyEntry, type SubjectEntry } from './keys-file';
import type { Principal } from './principal';

/**
 * The keys file, held as hashes only and re-read when it changes (a Kubernetes Secret update swaps
 * the file under its mount). A malformed file stops start-up; a malformed update is refused and the
 * last good set stays in force.
 */
@Injectable()
export class ApiKeyStore implements OnModuleDestroy {
  private readonly logger = new Logger('ApiKeyStore');
  private readonly file?: string;
  private keysByHash = new Map<string, KeyEntry>();
  private subjects = new Map<string, SubjectEntry>();

  constructor(private readonly config: GatewayConfig) {
    this.file = config.auth.apiKeysFile;
    if (this.file === undefined) {
      return;
    }
    this.load(this.file, true);
    watchFile(this.file, { interval: config.auth.apiKeysReloadIntervalMs, persistent: false }, this.onChange);
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
      this.load(this.file as string, false);
    }
  };

  private load(file: string, atStartup: boolean): void {
    try {
      const parsed = parseKeysFile(readFileSync(file, 'utf8'));
      this.keysByHash = new Map(parsed.keys.map((entry) => [entry.hash, entry]));
      this.subjects = new Map(parsed.subjects.map((entry) => [entry.subject, entry]));
      this.logger.log(`loaded ${parsed.keys.length} API keys and ${parsed.subjects.length} JWT subjects`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `API_KEYS_FILE ${file}: ${reason.replace(/^ENOENT: /, '')}`;
      if (atStartup) {
        throw new Error(message);
      }
      this.logger.error(`${message}; keeping the ${this.keysByHash.size} keys loaded before`);
    }
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
