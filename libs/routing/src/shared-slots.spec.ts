import { OverloadedError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import { MemoryLeaseSemaphore } from '@gateway/leases';

import { AdmissionController, type AdmissionObserver, type ShedReason } from './admission-controller';
import { CircuitBreaker } from './circuit-breaker';
import type { SharedSlots } from './shared-slots';
import { UpstreamEndpoint } from './upstream-endpoint';

/** Each replica has its own endpoint objects; what they share is the semaphore, by endpoint name. */
function endpoint(name: string, maxInflight: number): UpstreamEndpoint {
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, probeIntervalMs: 60_000 });
  return new UpstreamEndpoint(name, {} as InferenceProvider, maxInflight, breaker);
}

function sharedThrough(semaphore: MemoryLeaseSemaphore, pollIntervalMs = 20): SharedSlots {
  return {
    pollIntervalMs,
    claim: async (target) => {
      const held = await semaphore.tryAcquire(target.name, target.maxInflight);
      return held && (() => held.release());
    },
  };
}

describe('AdmissionController with slots shared across replicas', () => {
  let shed: ShedReason[];
  let observer: AdmissionObserver;
  let semaphore: MemoryLeaseSemaphore;

  const replica = (maxQueue = 10, maxQueueWaitMs = 5_000, slots = sharedThrough(semaphore)) =>
    new AdmissionController({ maxQueue, maxQueueWaitMs }, observer, slots);

  beforeEach(() => {
    shed = [];
    semaphore = new MemoryLeaseSemaphore();
    observer = {
      queueDepth: () => undefined,
      waited: () => undefined,
      shed: (reason) => shed.push(reason),
      inflight: () => undefined,
    };
  });

  it('never lets two replicas together exceed the endpoint slots; a slot freed elsewhere is found by polling', async () => {
    const [first, second] = [replica(), replica()];
    const [aOfFirst, aOfSecond] = [endpoint('a', 2), endpoint('a', 2)];
    const held = await Promise.all([first.acquire([aOfFirst]), first.acquire([aOfFirst])]);
    const waiting = second.acquire([aOfSecond]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(second.queueDepth).toBe(1);
    expect(semaphore.holders('a')).toBe(2);
    // The local slot the refused claim reserved was given back.
    expect(aOfSecond.inflight).toBe(0);
    held[0].release('success');
    const lease = await waiting;
    expect(lease.endpoint).toBe(aOfSecond);
    expect(semaphore.holders('a')).toBe(2);
    lease.release('success');
    held[1].release('success');
    expect(semaphore.holders('a')).toBe(0);
  });

  it('serves its own waiters oldest first while the slots are held elsewhere', async () => {
    const [first, second] = [replica(), replica()];
    const [aOfFirst, aOfSecond] = [endpoint('a', 1), endpoint('a', 1)];
    const elsewhere = await first.acquire([aOfFirst]);
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      second.acquire([aOfSecond]).then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    elsewhere.release('success');
    for (const waiter of waiters) {
      (await waiter).release('success');
    }
    expect(order).toEqual([1, 2, 3]);
  });

  it('moves to an endpoint that is free everywhere when another is full elsewhere', async () => {
    const [first, second] = [replica(), replica()];
    await first.acquire([endpoint('a', 1)]);
    const lease = await second.acquire([endpoint('a', 1), endpoint('b', 1)]);
    expect(lease.endpoint.name).toBe('b');
  });

  it('sheds with 503 when no slot frees anywhere within the maximum wait', async () => {
    const [first, second] = [replica(), replica(10, 80)];
    await first.acquire([endpoint('a', 1)]);
    await expect(second.acquire([endpoint('a', 1)])).rejects.toBeInstanceOf(OverloadedError);
    expect(shed).toEqual(['queue_timeout']);
    expect(second.queueDepth).toBe(0);
  });

  it('refuses at once when the claim itself fails (store down, failing closed), keeping no local slot', async () => {
    const failing: SharedSlots = {
      pollIntervalMs: 20,
      claim: () => Promise.reject(new OverloadedError('endpoint slots cannot be checked', 1)),
    };
    const a = endpoint('a', 2);
    const admission = replica(10, 5_000, failing);
    await expect(admission.acquire([a])).rejects.toThrow(/cannot be checked/);
    expect(a.inflight).toBe(0);
    expect(admission.queueDepth).toBe(0);
  });

  it('gives a slot back when its waiter was cancelled while the claim was under way', async () => {
    const [first, second] = [replica(), replica()];
    const elsewhere = await first.acquire([endpoint('a', 1)]);
    const aborter = new AbortController();
    const a = endpoint('a', 1);
    const waiting = second.acquire([a], aborter.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    elsewhere.release('success');
    aborter.abort();
    await expect(waiting).rejects.toThrow(/cancelled/);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(semaphore.holders('a')).toBe(0);
    expect(a.inflight).toBe(0);
  });
});
