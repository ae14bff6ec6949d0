import { randomUUID } from 'node:crypto';

import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';

import { connectedWithinStartup, createFailFastRedis } from './fail-fast-redis';

import { ACQUIRE_LEASE_SCRIPT, RENEW_LEASES_SCRIPT } from './lease-scripts';
import { LeaseStoreError, releaseOnce, type HeldLease, type LeaseSemaphore } from './lease-semaphore';

interface LeaseCommands {
  leaseAcquire(key: string, limit: number, leaseMs: number, holder: string): Promise<number>;
  leaseRenew(key: string, leaseMs: number, ...holders: string[]): Promise<number>;
}

export interface RedisLeaseOptions {
  url: string;
  /** How long a slot stays held without renewal: the longest a dead process keeps its slots. */
  leaseMs: number;
  /** Longest wait for one Redis command. */
  commandTimeoutMs: number;
}

const KEY_PREFIX = 'llm-gateway:lease';
/** Renewing three times per lease leaves two renewals' worth of slack for a slow or lost round. */
const RENEWALS_PER_LEASE = 3;
const LOG_INTERVAL_MS = 10_000;

/**
 * Semaphores shared by every replica through one Redis. Each slot is a holder in a sorted set scored
 * by its lease expiry; this process renews the leases of the slots it holds until it releases them.
 */
export class RedisLeaseSemaphore implements LeaseSemaphore, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RedisLeaseSemaphore');
  private readonly redis: Redis & LeaseCommands;
  /** Holder ids are unique per process and per slot, so a release can never free another's slot. */
  private readonly owner = randomUUID();
  private sequence = 0;
  /** Redis key -> holders this process has there. */
  private readonly held = new Map<string, Set<string>>();
  private renewTimer?: NodeJS.Timeout;
  private renewing = false;
  private lastLog = 0;

  constructor(private readonly options: RedisLeaseOptions) {
    this.redis = createFailFastRedis(options.url, options.commandTimeoutMs) as Redis & LeaseCommands;
    this.redis.defineCommand('leaseAcquire', { numberOfKeys: 1, lua: ACQUIRE_LEASE_SCRIPT });
    this.redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: RENEW_LEASES_SCRIPT });
  }

  async onModuleInit(): Promise<void> {
    if (!(await connectedWithinStartup(this.redis))) {
      this.logger.error(
        'Redis for shared slots is unreachable at start-up; the fail modes apply until it is',
      );
    }
  }

  /** Gives back whatever is still held (normally nothing after a drain) and closes the connection. */
  async onApplicationShutdown(): Promise<void> {
    this.stopRenewing();
    const releases = [...this.held].map(([key, holders]) =>
      this.redis.zrem(key, ...holders).catch(() => undefined),
    );
    this.held.clear();
    await Promise.all(releases);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async tryAcquire(name: string, limit: number): Promise<HeldLease | undefined> {
    const key = keyOf(name);
    this.sequence += 1;
    const holder = `${this.owner}:${this.sequence}`;
    let taken: number;
    try {
      taken = await this.redis.leaseAcquire(key, limit, this.options.leaseMs, holder);
    } catch (error) {
      // A timed-out call may still have taken the slot in Redis; nobody renews it, so it expires.
      throw new LeaseStoreError(error);
    }
    if (taken !== 1) {
      return undefined;
    }
    this.track(key, holder);
    return releaseOnce(() => this.release(key, holder));
  }

  private track(key: string, holder: string): void {
    let holders = this.held.get(key);
    if (!holders) {
      holders = new Set();
      this.held.set(key, holders);
    }
    holders.add(holder);
    if (!this.renewTimer) {
      const every = Math.floor(this.options.leaseMs / RENEWALS_PER_LEASE);
      this.renewTimer = setInterval(() => void this.renewAll(), every);
      this.renewTimer.unref();
    }
  }

  private release(key: string, holder: string): void {
    const holders = this.held.get(key);
    holders?.delete(holder);
    if (holders?.size === 0) {
      this.held.delete(key);
    }
    if (this.held.size === 0) {
      this.stopRenewing();
    }
    // If Redis cannot be told, the lease runs out on its own.
    this.redis.zrem(key, holder).catch((error: unknown) => this.warn('release', error));
  }

  private async renewAll(): Promise<void> {
    if (this.renewing) {
      return;
    }
    this.renewing = true;
    try {
      // Each key's holders are read and sent in the same tick, so no release can slip in between.
      const rounds = [...this.held].map(async ([key, holders]) => {
        const readded = await this.redis.leaseRenew(key, this.options.leaseMs, ...holders);
        if (readded > 0) {
          this.warn('renew', new Error(`${readded} lease(s) had run out and were taken back`));
        }
      });
      const results = await Promise.allSettled(rounds);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        this.warn('renew', failed.reason);
      }
    } finally {
      this.renewing = false;
    }
  }

  private stopRenewing(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastLog >= LOG_INTERVAL_MS) {
      this.lastLog = now;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`lease ${what} failed: ${reason}`);
    }
  }
}

/** One hash tag per semaphore keeps it in one Redis Cluster slot; names never reach Redis raw. */
function keyOf(name: string): string {
  return `${KEY_PREFIX}:{${encodeURIComponent(name)}}`;
}
