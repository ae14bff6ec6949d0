import type { AttemptVerdict, GrantedLease } from './admission-controller';
import type { UpstreamEndpoint } from './upstream-endpoint';

/** An endpoint's slots as held by every gateway replica together (REDIS_URL). */
export interface SharedSlots {
  /**
   * Takes one of `endpoint`'s slots across replicas: its release, or undefined when other replicas
   * hold them all. Throws to refuse the request outright (shared store down and failing closed).
   */
  claim(endpoint: UpstreamEndpoint): Promise<(() => void) | undefined>;
  /** How often requests waiting for a slot held elsewhere try again. */
  readonly pollIntervalMs: number;
}

/**
 * The admission controller's side of shared slots. A local lease is confirmed by a shared claim; an
 * endpoint whose claim was refused is "full elsewhere" and skipped until the next poll tick or until
 * this replica frees one of its slots, and then `wake` hands it to the waiters, oldest first.
 */
export class SharedSlotClaims {
  private readonly fullElsewhere = new Set<UpstreamEndpoint>();
  private pollTimer?: NodeJS.Timeout;

  constructor(
    private readonly slots: SharedSlots,
    private readonly wake: () => void,
  ) {}

  isFullElsewhere(endpoint: UpstreamEndpoint): boolean {
    return this.fullElsewhere.has(endpoint);
  }

  /** The local lease, now also holding a shared slot; undefined (local lease given back) when none is free. */
  async confirm(lease: GrantedLease): Promise<GrantedLease | undefined> {
    const { endpoint } = lease;
    let releaseShared: (() => void) | undefined;
    try {
      releaseShared = await this.slots.claim(endpoint);
    } catch (error) {
      lease.release('neutral');
      throw error;
    }
    if (releaseShared === undefined) {
      // Marked before the local slot is given back, so that giving it back does not retry at once.
      this.fullElsewhere.add(endpoint);
      lease.release('neutral');
      this.schedulePoll();
      return undefined;
    }
    const release = releaseShared;
    let released = false;
    return {
      endpoint,
      waitedMs: lease.waitedMs,
      release: (verdict: AttemptVerdict) => {
        if (released) {
          return;
        }
        released = true;
        release();
        // The slot freed here is free for everyone: this replica's waiters may try it at once.
        this.fullElsewhere.delete(endpoint);
        lease.release(verdict);
      },
    };
  }

  private schedulePoll(): void {
    if (this.pollTimer) {
      return;
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.fullElsewhere.clear();
      this.wake();
    }, this.slots.pollIntervalMs);
    this.pollTimer.unref();
  }
}
