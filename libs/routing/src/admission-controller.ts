import { GenerationCancelledError, OverloadedError } from '@gateway/inference';

import {
  candidatesOf,
  everyResting,
  restingError,
  takersAmong,
  type CandidateSource,
} from './endpoint-availability';
import { LeastLoadedSelector } from './endpoint-selection';
import { SharedSlotClaims, type SharedSlots } from './shared-slots';
import type { UpstreamEndpoint } from './upstream-endpoint';

export const SHED_REASONS = ['queue_full', 'queue_timeout'] as const;
export type ShedReason = (typeof SHED_REASONS)[number];
/** What an attempt told about its endpoint's health (it feeds the circuit breaker). */
export type AttemptVerdict = 'success' | 'failure' | 'neutral';

export interface AdmissionSettings {
  /** Requests that may wait for a slot, all endpoints together. */
  maxQueue: number;
  maxQueueWaitMs: number;
}

export interface AdmissionObserver {
  queueDepth(depth: number): void;
  waited(seconds: number): void;
  shed(reason: ShedReason): void;
  inflight(endpoint: UpstreamEndpoint): void;
}

/** A slot on one endpoint; release it exactly once, when the generation is over. */
export interface Lease {
  readonly endpoint: UpstreamEndpoint;
  /** How long the request waited for this slot: the figure the queue-wait metric received. */
  readonly waitedMs: number;
  release(verdict: AttemptVerdict): void;
}

/** A lease as the controller holds it until it hands it out, its wait not yet known. */
export type GrantedLease = { -readonly [K in keyof Lease]: Lease[K] };

interface Waiter {
  candidates: CandidateSource;
  grant(lease: GrantedLease): void;
  fail(error: Error): void;
  /** A shared-slot claim for it is under way. */
  claiming?: boolean;
  /** Arrived with a local slot free and not refused a shared one yet: not counted against MAX_QUEUE. */
  arriving?: boolean;
}

/**
 * Bounds the work sent to each endpoint (its in-flight limit) and the work waiting for it (one FIFO
 * queue with a size and a maximum wait). Beyond those bounds requests fail fast with OverloadedError.
 * With `shared` slots, a slot also has to be claimed across replicas (see SharedSlotClaims).
 */
export class AdmissionController {
  private readonly queue: Waiter[] = [];
  private readonly selector = new LeastLoadedSelector();
  private readonly claims?: SharedSlotClaims;

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly observer: AdmissionObserver,
    shared?: SharedSlots,
  ) {
    this.claims = shared && new SharedSlotClaims(shared, () => this.dispatch());
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /**
   * A slot on one of `candidates`, now or after waiting in the queue. A function is asked again at each
   * turn of the queue, so that endpoints found by discovery meanwhile are used and vanished ones not.
   */
  acquire(source: CandidateSource, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) {
      return Promise.reject(new GenerationCancelledError('the request was cancelled'));
    }
    const candidates = candidatesOf(source);
    // Fair without checking the queue: every release hands freed slots to waiters first, so a slot that
    // is free now is one no waiter can use (another model's endpoint).
    const free = this.pickFree(candidates);
    if (free && this.claims) {
      // Queued at once, so that it keeps its place behind earlier waiters while its claim is answered.
      return this.wait(source, signal, true);
    }
    if (free) {
      this.observer.waited(0);
      return Promise.resolve(this.lease(free));
    }
    if (everyResting(candidates)) {
      return Promise.reject(restingError(candidates));
    }
    return this.enqueue(source, signal);
  }

  /** Endpoints joined (discovery): queued requests may use them at once. */
  capacityChanged(): void {
    this.dispatch();
  }

  private enqueue(candidates: CandidateSource, signal?: AbortSignal): Promise<Lease> {
    if (this.queue.length >= this.settings.maxQueue) {
      return Promise.reject(this.shed('queue_full', 0));
    }
    return this.wait(candidates, signal);
  }

  /**
   * The least loaded endpoint that can take a request now (see takersAmong) and, with shared slots, is
   * not known full elsewhere.
   */
  private pickFree(candidates: readonly UpstreamEndpoint[]): UpstreamEndpoint | undefined {
    return this.selector.pick(
      takersAmong(candidates).filter((endpoint) => !this.claims?.isFullElsewhere(endpoint)),
    );
  }

  private wait(candidates: CandidateSource, signal?: AbortSignal, arriving = false): Promise<Lease> {
    const enqueuedAt = performance.now();
    return new Promise<Lease>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        left = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.queue.splice(this.queue.indexOf(waiter), 1);
        this.observer.queueDepth(this.queue.length);
      };
      const onAbort = (): void => {
        leave();
        this.observer.waited((performance.now() - enqueuedAt) / 1000);
        reject(new GenerationCancelledError('the request was cancelled while queued'));
      };
      const timer = setTimeout(() => {
        leave();
        reject(this.shed('queue_timeout', (performance.now() - enqueuedAt) / 1000));
      }, this.settings.maxQueueWaitMs);
      const waiter: Waiter = {
        candidates,
        grant: (lease) => {
          if (left) {
            // Timed out or cancelled while its shared-slot claim was under way.
            lease.release('neutral');
            return;
          }
          leave();
          lease.waitedMs = performance.now() - enqueuedAt;
          this.observer.waited(lease.waitedMs / 1000);
          resolve(lease);
        },
        fail: (error) => {
          if (!left) {
            leave();
            reject(error);
          }
        },
        arriving,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.observer.queueDepth(this.queue.length);
      if (arriving) {
        this.dispatch();
        if (!waiter.claiming) {
          this.settleArrival(waiter);
        }
      }
    });
  }

  /** An arrival that found no slot after all now waits like any other, if the queue has room. */
  private settleArrival(waiter: Waiter): void {
    waiter.arriving = false;
    const waiting = this.queue.filter((queued) => !queued.arriving).length;
    if (waiting > this.settings.maxQueue) {
      waiter.fail(this.shed('queue_full', 0));
    }
  }

  private lease(endpoint: UpstreamEndpoint): GrantedLease {
    endpoint.inflight += 1;
    const ticket = endpoint.breaker.onAttempt();
    this.observer.inflight(endpoint);
    let released = false;
    return {
      endpoint,
      waitedMs: 0,
      release: (verdict) => {
        if (released) {
          return;
        }
        released = true;
        endpoint.inflight -= 1;
        this.record(endpoint, verdict, ticket);
        this.observer.inflight(endpoint);
        this.dispatch();
      },
    };
  }

  private record(endpoint: UpstreamEndpoint, verdict: AttemptVerdict, ticket: number): void {
    const { breaker } = endpoint;
    if (verdict === 'success') {
      breaker.onSuccess(ticket);
    } else if (verdict === 'failure') {
      breaker.onFailure(ticket);
      this.wakeWaitersWhenReopened(endpoint);
    } else {
      breaker.onNeutral(ticket);
    }
  }

  /**
   * Waiters are otherwise served only when a slot frees; an endpoint whose rest is over must get its
   * probe from the queue too, not only from requests that arrive later.
   */
  private wakeWaitersWhenReopened(endpoint: UpstreamEndpoint): void {
    const reopensAt = endpoint.breaker.reopensAt;
    if (reopensAt !== undefined) {
      setTimeout(() => this.dispatch(), Math.max(0, reopensAt - Date.now()) + 1).unref();
    }
  }

  /** Hands freed slots to the oldest waiters that can use them. */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length;) {
      const waiter = this.queue[i];
      const free = waiter.claiming ? undefined : this.pickFree(candidatesOf(waiter.candidates));
      if (free && this.claims) {
        // The waiter stays queued (and keeps its place) until the claim is answered.
        i += 1;
        this.claimFor(waiter, this.claims, free);
      } else if (free) {
        waiter.grant(this.lease(free));
      } else {
        i += 1;
      }
    }
  }

  private claimFor(waiter: Waiter, claims: SharedSlotClaims, endpoint: UpstreamEndpoint): void {
    waiter.claiming = true;
    claims.confirm(this.lease(endpoint)).then(
      (lease) => {
        waiter.claiming = false;
        if (lease) {
          waiter.grant(lease);
          return;
        }
        if (waiter.arriving) {
          this.settleArrival(waiter);
        }
        // Another endpoint it can use may be free elsewhere still.
        this.dispatch();
      },
      (error: Error) => waiter.fail(error),
    );
  }

  private shed(reason: ShedReason, waitedSeconds: number): OverloadedError {
    this.observer.shed(reason);
    this.observer.waited(waitedSeconds);
    const retryAfter = Math.max(1, Math.round(this.settings.maxQueueWaitMs / 1000));
    const why = reason === 'queue_full' ? 'the wait queue is full' : 'no slot freed up in time';
    return new OverloadedError(`the gateway is at capacity (${why}), retry later`, retryAfter);
  }
}
