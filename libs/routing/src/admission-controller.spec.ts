import { GenerationCancelledError, OverloadedError, UpstreamUnavailableError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';

import { AdmissionController, type AdmissionObserver, type ShedReason } from './admission-controller';
import { CircuitBreaker } from './circuit-breaker';
import { UpstreamEndpoint } from './upstream-endpoint';

function endpoint(name: string, maxInflight: number): UpstreamEndpoint {
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, probeIntervalMs: 60_000 });
  return new UpstreamEndpoint(name, {} as InferenceProvider, maxInflight, breaker);
}

describe('AdmissionController', () => {
  let depths: number[];
  let shed: ShedReason[];
  let waits: number[];
  let observer: AdmissionObserver;

  beforeEach(() => {
    depths = [];
    shed = [];
    waits = [];
    observer = {
      queueDepth: (depth) => depths.push(depth),
      waited: (seconds) => waits.push(seconds),
      shed: (reason) => shed.push(reason),
      inflight: () => undefined,
    };
  });

  it('admits up to the in-flight limit at once, spreading work over the least loaded endpoints', async () => {
    const a = endpoint('a', 2);
    const b = endpoint('b', 2);
    const admission = new AdmissionController({ maxQueue: 0, maxQueueWaitMs: 1000 }, observer);
    const leases = await Promise.all([1, 2, 3, 4].map(() => admission.acquire([a, b])));
    expect(leases.map((lease) => lease.endpoint.name).sort()).toEqual(['a', 'a', 'b', 'b']);
    await expect(admission.acquire([a, b])).rejects.toBeInstanceOf(OverloadedError);
    expect(shed).toEqual(['queue_full']);
  });

  it('tells each lease how long it waited: the same figure the queue-wait metric receives', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 1, maxQueueWaitMs: 5000 }, observer);
    const first = await admission.acquire([a]);
    expect(first.waitedMs).toBe(0);
    const queued = admission.acquire([a]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    first.release('success');
    const second = await queued;
    expect(second.waitedMs).toBeGreaterThanOrEqual(25);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBe(0);
    expect(waits[1] * 1000).toBeCloseTo(second.waitedMs, 6);
  });

  it('queues beyond the limit in FIFO order and hands freed slots to the oldest waiter', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 2, maxQueueWaitMs: 5000 }, observer);
    const first = await admission.acquire([a]);
    const order: string[] = [];
    const second = admission.acquire([a]).then((lease) => (order.push('second'), lease));
    const third = admission.acquire([a]).then((lease) => (order.push('third'), lease));
    expect(admission.queueDepth).toBe(2);
    await expect(admission.acquire([a])).rejects.toThrow(/wait queue is full/);
    first.release('success');
    (await second).release('success');
    (await third).release('success');
    expect(order).toEqual(['second', 'third']);
    expect(depths.at(-1)).toBe(0);
    expect(a.inflight).toBe(0);
  });

  it('does not hold a request behind waiters for another endpoint', async () => {
    const a = endpoint('a', 1);
    const b = endpoint('b', 1);
    const admission = new AdmissionController({ maxQueue: 1, maxQueueWaitMs: 5000 }, observer);
    const held = await admission.acquire([a]);
    const waitingForA = admission.acquire([a]);
    await expect(admission.acquire([b])).resolves.toMatchObject({ endpoint: b });
    held.release('success');
    await expect(waitingForA).resolves.toMatchObject({ endpoint: a });
  });

  it('sheds a waiter whose maximum wait passes, with a Retry-After hint', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 30 }, observer);
    await admission.acquire([a]);
    const error = await admission.acquire([a]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(shed).toEqual(['queue_timeout']);
    expect(admission.queueDepth).toBe(0);
  });

  it('lets a waiter whose client went away leave the queue', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    const held = await admission.acquire([a]);
    const controller = new AbortController();
    const waiting = admission.acquire([a], controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(GenerationCancelledError);
    expect(admission.queueDepth).toBe(0);
    held.release('neutral');
    expect(a.inflight).toBe(0);
  });

  it('fails fast instead of queueing when every candidate endpoint is resting', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    (await admission.acquire([a])).release('failure');
    expect(a.breaker.state).toBe('open');
    await expect(admission.acquire([a])).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('gives a queued request the probe of an endpoint whose rest is over, without waiting for a release', async () => {
    const resting = new UpstreamEndpoint(
      'a',
      {} as InferenceProvider,
      1,
      new CircuitBreaker({ failureThreshold: 1, cooldownMs: 50, probeIntervalMs: 50 }),
    );
    const busy = endpoint('b', 1);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    const failing = await admission.acquire([resting]);
    const held = await admission.acquire([busy]);
    failing.release('failure');
    expect(resting.breaker.state).toBe('open');
    const waiter = await admission.acquire([resting, busy]);
    expect(waiter.endpoint.name).toBe('a');
    waiter.release('success');
    held.release('success');
    expect(resting.breaker.state).toBe('closed');
  });

  it('releases a lease once however often release is called', async () => {
    const a = endpoint('a', 1);
    const admission = new AdmissionController({ maxQueue: 0, maxQueueWaitMs: 5000 }, observer);
    const lease = await admission.acquire([a]);
    lease.release('success');
    lease.release('success');
    expect(a.inflight).toBe(0);
  });
});

describe('AdmissionController with nothing to fail over to', () => {
  const observer: AdmissionObserver = {
    queueDepth: () => undefined,
    waited: () => undefined,
    shed: () => undefined,
    inflight: () => undefined,
  };

  afterEach(() => jest.useRealTimers());

  it('still sends one probe per interval to a lone open endpoint, and says when the next one goes', async () => {
    jest.useFakeTimers({ now: 10_000 });
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 30_000, probeIntervalMs: 2_000 });
    const lone = new UpstreamEndpoint('lone', {} as InferenceProvider, 4, breaker);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    (await admission.acquire([lone])).release('failure');

    jest.setSystemTime(11_200);
    const refused = await admission.acquire([lone]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamUnavailableError);
    // 800 ms left until the next probe: Retry-After rounds up to 1 s, not the 30 s cooldown.
    expect((refused as UpstreamUnavailableError).retryAfterSeconds).toBe(1);

    jest.setSystemTime(12_000);
    const probe = await admission.acquire([lone]);
    await expect(admission.acquire([lone])).rejects.toBeInstanceOf(UpstreamUnavailableError);
    probe.release('success');
    expect(breaker.state).toBe('closed');
    const leases = await Promise.all([1, 2, 3, 4].map(() => admission.acquire([lone])));
    expect(lone.inflight).toBe(4);
    leases.forEach((lease) => lease.release('success'));
  });

  it('reports the remaining rest as Retry-After when every endpoint rests', async () => {
    jest.useFakeTimers({ now: 0 });
    const settings = { failureThreshold: 1, cooldownMs: 20_000, probeIntervalMs: 60_000 };
    const a = new UpstreamEndpoint('a', {} as InferenceProvider, 1, new CircuitBreaker(settings));
    const b = new UpstreamEndpoint('b', {} as InferenceProvider, 1, new CircuitBreaker(settings));
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    (await admission.acquire([a])).release('failure');
    jest.setSystemTime(5_000);
    (await admission.acquire([b])).release('failure');
    jest.setSystemTime(12_500);
    const refused = (await admission.acquire([a, b]).catch((e: unknown) => e)) as UpstreamUnavailableError;
    expect(refused.retryAfterSeconds).toBe(8);
  });

  it('hands a queued request to an endpoint that joined while it waited', async () => {
    const first = endpoint('first', 1);
    const joined = endpoint('joined', 1);
    const current = [first];
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    const held = await admission.acquire(() => current);
    const waiting = admission.acquire(() => current);
    current.push(joined);
    admission.capacityChanged();
    expect((await waiting).endpoint.name).toBe('joined');
    held.release('success');
  });

  it('never hands a queued request to an endpoint that was retired while it waited', async () => {
    const leaving = endpoint('leaving', 1);
    const staying = endpoint('staying', 1);
    const admission = new AdmissionController({ maxQueue: 5, maxQueueWaitMs: 5000 }, observer);
    const onLeaving = await admission.acquire([leaving]);
    const onStaying = await admission.acquire([staying]);
    const waiting = admission.acquire([leaving, staying]);
    leaving.retired = true;
    onLeaving.release('success');
    expect(admission.queueDepth).toBe(1);
    onStaying.release('success');
    expect((await waiting).endpoint.name).toBe('staying');
  });
});
