import type { NestExpressApplication } from '@nestjs/platform-express';

import { freePort } from '../../../test/fixtures/free-port';
import { FakeOllama, slowStream } from '../../../test/fixtures/fake-ollama';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { sampleValue } from './support/metrics';
import { RedisServer } from './support/redis-server';
import { baseUrl, createTestApp } from './support/test-app';
import { until } from './support/until';

const MODEL = 'qwen2.5:0.5b';
const SLOTS = 2;
const LEASE_MS = 2_000;
const STREAMS = 200;

interface Outcome {
  status: number;
  retryAfter: string | null;
  body: string;
}

async function chatStream(url: string, signal?: AbortSignal): Promise<Outcome> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Count' }], stream: true }),
    signal,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

describe('endpoint slots shared by three gateway processes through one redis-server', () => {
  const redis = new RedisServer();
  let ollamas: FakeOllama[];
  let gateways: GatewayProcess[];

  beforeAll(async () => {
    await redis.start();
    ollamas = await Promise.all([1, 2].map(() => new FakeOllama({ models: [MODEL] }).start()));
    const env = {
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_HOSTS: ollamas.map((ollama) => ollama.url).join(','),
      REDIS_URL: redis.url,
      MAX_INFLIGHT: String(SLOTS),
      MAX_QUEUE: '20',
      MAX_QUEUE_WAIT_MS: '6000',
      SLOT_LEASE_MS: String(LEASE_MS),
      SLOT_POLL_INTERVAL_MS: '50',
      // A cold process on a loaded machine can stall past the 250 ms default, and then fails open.
      RATE_LIMIT_REDIS_TIMEOUT_MS: '3000',
    };
    gateways = await Promise.all([1, 2, 3].map(() => startGatewayProcess(env, { timeoutMs: 90_000 })));
  }, 150_000);

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await Promise.all((ollamas ?? []).map((ollama) => ollama.stop()));
    await redis.stop();
  });

  it(`never exceeds any endpoint's slots under ${STREAMS} concurrent streams; every request is served or shed with 503 + Retry-After`, async () => {
    for (const ollama of ollamas) {
      ollama.always(slowStream(5, 60));
    }
    const outcomes = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => chatStream(gateways[i % gateways.length].baseUrl)),
    );

    const served = outcomes.filter((o) => o.status === 200);
    const shed = outcomes.filter((o) => o.status !== 200);
    for (const outcome of served) {
      expect(outcome.body).toContain('data: [DONE]');
    }
    for (const outcome of shed) {
      expect(outcome.status).toBe(503);
      expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((JSON.parse(outcome.body) as { error: { code: string } }).error.code).toBe('overloaded');
    }
    expect(served.length).toBeGreaterThanOrEqual(SLOTS * ollamas.length);
    expect(served.length + shed.length).toBe(STREAMS);
    for (const ollama of ollamas) {
      // Three replicas with two local slots each would reach six without the shared semaphore.
      expect(ollama.maxConcurrentGenerations).toBeLessThanOrEqual(SLOTS);
      expect(ollama.maxConcurrentGenerations).toBeGreaterThanOrEqual(1);
    }
    const expositions = await Promise.all(
      gateways.map(async (gateway) => (await fetch(`${gateway.baseUrl}/metrics`)).text()),
    );
    const shedCounted = expositions
      .flatMap((text) =>
        ['queue_full', 'queue_timeout'].map((reason) =>
          sampleValue(text, 'llm_gateway_load_shed_total', { reason }),
        ),
      )
      .reduce((sum, value) => sum + value, 0);
    expect(shedCounted).toBe(shed.length);
    const storeErrors = expositions.map((text) => sampleValue(text, 'llm_gateway_slot_store_errors_total'));
    expect(storeErrors).toEqual([0, 0, 0]);
  });

  it('gives the slots of a SIGKILLed gateway back within the lease', async () => {
    const [victim, survivor, third] = gateways;
    for (const ollama of ollamas) {
      ollama.always(slowStream(600, 100));
    }
    const held = Array.from({ length: SLOTS * ollamas.length }, () => chatStream(victim.baseUrl));
    await until(() => ollamas.every((ollama) => ollama.activeGenerations === SLOTS), 10_000);
    for (const ollama of ollamas) {
      ollama.always(slowStream(4, 50));
    }
    const callsBefore = ollamas.map((ollama) => ollama.generationCalls().length);
    const waiting = chatStream(survivor.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Every slot is held by the victim: the survivor's request waits in its own queue.
    expect(ollamas.map((ollama) => ollama.generationCalls().length)).toEqual(callsBefore);

    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await Promise.allSettled(held);
    await until(
      () => ollamas.some((ollama, i) => ollama.generationCalls().length > callsBefore[i]),
      LEASE_MS + 5_000,
    );
    const admittedAfter = Date.now() - killedAt;
    expect((await waiting).status).toBe(200);
    // The lease plus a generous margin for a loaded machine (renewals run every third of a lease).
    expect(admittedAfter).toBeLessThanOrEqual(LEASE_MS + 1_500);

    // Every slot is back: a full set of concurrent streams is served by the remaining replicas.
    for (const ollama of ollamas) {
      ollama.resetPeak();
    }
    const after = await Promise.all(
      Array.from({ length: SLOTS * ollamas.length }, (_, i) =>
        chatStream((i % 2 === 0 ? survivor : third).baseUrl),
      ),
    );
    expect(after.map((o) => o.status)).toEqual(Array(SLOTS * ollamas.length).fill(200));
    for (const ollama of ollamas) {
      expect(ollama.maxConcurrentGenerations).toBeLessThanOrEqual(SLOTS);
    }
  });
});

describe('endpoint slots when Redis is unreachable', () => {
  let ollama: FakeOllama;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    ollama.always(slowStream(2, 10));
  });

  afterAll(async () => {
    await ollama?.stop();
  });

  it.each([
    ['open', 200],
    ['closed', 503],
  ])('fails %s (SLOT_FAIL_MODE) and counts the store error', async (mode, status) => {
    const app: NestExpressApplication = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        SLOT_FAIL_MODE: mode,
      },
    });
    try {
      const url = await baseUrl(app);
      const outcome = await chatStream(url);
      expect(outcome.status).toBe(status);
      if (status === 503) {
        expect(outcome.retryAfter).toBe('1');
        expect(JSON.parse(outcome.body)).toMatchObject({ error: { code: 'overloaded', type: 'api_error' } });
      }
      const exposition = await (await fetch(`${url}/metrics`)).text();
      expect(sampleValue(exposition, 'llm_gateway_slot_store_errors_total')).toBe(1);
    } finally {
      await app.close();
    }
  });
});
