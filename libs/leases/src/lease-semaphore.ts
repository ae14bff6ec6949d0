/** One slot taken from a semaphore; `release` gives it back (calls after the first do nothing). */
export interface HeldLease {
  release(): void;
}

/**
 * Counting semaphores by name: at most `limit` holders of one name at a time. The Redis-backed one
 * holds each slot on a lease that this process renews while it holds it, so that the slots of a process
 * that dies (SIGKILL, lost node) come back when their lease runs out instead of leaking.
 */
export interface LeaseSemaphore {
  /**
   * One slot of `name` when fewer than `limit` are held, else undefined. Rejects with
   * LeaseStoreError when the shared store cannot answer; the caller decides what that means.
   */
  tryAcquire(name: string, limit: number): Promise<HeldLease | undefined>;
}

/** Injection token of the process's semaphore (in memory, or in Redis when REDIS_URL is set). */
export const LEASE_SEMAPHORE = Symbol('LEASE_SEMAPHORE');

export class LeaseStoreError extends Error {
  constructor(cause: unknown) {
    super(`lease store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LeaseStoreError';
  }
}

/** Wraps a release so that it runs once, however many times (finish, close, error) it is called. */
export function releaseOnce(release: () => void): HeldLease {
  let released = false;
  return {
    release: () => {
      if (!released) {
        released = true;
        release();
      }
    },
  };
}
