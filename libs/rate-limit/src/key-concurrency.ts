import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@gateway/auth';
import { LEASE_SEMAPHORE, type HeldLease, type LeaseSemaphore } from '@gateway/leases';
import type { Request, Response } from 'express';

import { ConcurrencyLimitError } from './rate-limit.errors';

/**
 * Caps the generations one key or JWT subject runs at once (its `concurrency`, else
 * RATE_LIMIT_CONCURRENCY). The slot is taken before the call and given back when its response ends,
 * however it ends. With REDIS_URL the cap holds across replicas.
 */
@Injectable()
export class KeyConcurrency {
  constructor(@Inject(LEASE_SEMAPHORE) private readonly semaphore: LeaseSemaphore) {}

  /** Whether this call counts: generations (POST), not listings. */
  applies(principal: Principal, req: Request): boolean {
    return principal.concurrency > 0 && req.method === 'POST';
  }

  /** A slot for this call; throws ConcurrencyLimitError when the caller has none left. */
  async take(principal: Principal): Promise<HeldLease> {
    const slot = await this.semaphore.tryAcquire(`key:${principal.id}`, principal.concurrency);
    if (!slot) {
      throw new ConcurrencyLimitError(principal.concurrency);
    }
    return slot;
  }
}

/** Gives the slot back once the response is over: finished, or closed by either side. */
export function releaseWhenDone(res: Response, slot: HeldLease): void {
  if (res.writableFinished || res.destroyed) {
    slot.release();
    return;
  }
  res.once('finish', () => slot.release());
  res.once('close', () => slot.release());
}
