import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@gateway/auth';
import { LEASE_SEMAPHORE, type HeldLease, type LeaseSemaphore } from '@gateway/leases';

import { ConcurrencyLimitError } from './rate-limit.errors';

/**
 * Caps the generations one key or JWT subject runs at once (its `concurrency`, else
 * RATE_LIMIT_CONCURRENCY). The slot is taken before the call and given back when its response ends,
 * however it ends (the end-of-request step runs the release). With REDIS_URL the cap holds across replicas.
 */
@Injectable()
export class KeyConcurrency {
  constructor(@Inject(LEASE_SEMAPHORE) private readonly semaphore: LeaseSemaphore) {}

  /** A slot for this call; throws ConcurrencyLimitError when the caller has none left. */
  async take(principal: Principal): Promise<HeldLease> {
    const slot = await this.semaphore.tryAcquire(`key:${principal.id}`, principal.concurrency);
    if (!slot) {
      throw new ConcurrencyLimitError(principal.concurrency);
    }
    return slot;
  }
}
