import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama, type ReceivedCall } from '../../../test/fixtures/fake-ollama';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

interface Outcome {
  status: number;
  retryAfter: string | null;
  body: { error?: { code?: string; type?: string } };
  at: number;
}

async function post(url: string, path: string, body: object): Promise<Outcome> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Outcome['body'],
    at: performance.now(),
  };
}

/** Most generations the fake Ollama was serving at the same moment. */
function peakConcurrency(calls: ReceivedCall[]): number {
  const edges = calls.flatMap((call) => [
    { at: call.startedAt, delta: 1 },
    { at: call.finishedAt ?? call.clientGoneAt ?? Infinity, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  for (const edge of edges) {
    current += edge.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

describe('load shedding in front of a slow Ollama', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  const metrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        MAX_INFLIGHT: '2',
        MAX_QUEUE: '2',
        MAX_QUEUE_WAIT_MS: '10000',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('exports the shedding series at zero before anything was shed', async () => {
    const exposition = await metrics();
    expect(exposition).toContain('llm_gateway_load_shed_total{reason="queue_full"} 0');
    expect(exposition).toContain('llm_gateway_load_shed_total{reason="queue_timeout"} 0');
    expect(exposition).toContain(`llm_gateway_circuit_state{endpoint="${ollama.url}"} 0`);
  });

  it('admits the in-flight limit plus the queue, sheds the rest with 503 + Retry-After before any finishes', async () => {
    ollama.always({ kind: 'tokens', tokens: ['slow', ' answer'], firstTokenDelayMs: 600 });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => post(url, '/v1/generate', { prompt: 'Hi', max_tokens: 4 })),
    );
    const admitted = outcomes.filter((o) => o.status === 200);
    const shed = outcomes.filter((o) => o.status !== 200);

    expect(admitted).toHaveLength(4);
    expect(shed).toHaveLength(6);
    for (const outcome of shed) {
      expect(outcome.status).toBe(503);
      expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(outcome.body.error?.code).toBe('overloaded');
    }
    // Shed at once: every refusal arrived before the first admitted request could finish.
    expect(Math.max(...shed.map((o) => o.at))).toBeLessThan(Math.min(...admitted.map((o) => o.at)));
    expect(peakConcurrency(ollama.generationCalls())).toBe(2);
    expect(ollama.generationCalls()).toHaveLength(4);

    const exposition = await metrics();
    expect(sampleValue(exposition, 'llm_gateway_load_shed_total', { reason: 'queue_full' })).toBe(6);
    expect(sampleValue(exposition, 'llm_gateway_queue_depth')).toBe(0);
    expect(sampleValue(exposition, 'llm_gateway_queue_wait_seconds_count')).toBe(10);
    expect(
      sampleValue(exposition, 'llm_gateway_requests_total', { route: '/v1/generate', outcome: 'rejected' }),
    ).toBe(6);
    expect(sampleValue(exposition, 'llm_gateway_upstream_inflight', { endpoint: ollama.url })).toBe(0);
  });

  it('answers shed OpenAI calls in OpenAI error shape', async () => {
    ollama.always({ kind: 'tokens', tokens: ['slow'], firstTokenDelayMs: 600 });
    const chat = { model: 'qwen2.5:0.5b', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 };
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => post(url, '/v1/chat/completions', chat)),
    );
    const shed = outcomes.filter((o) => o.status === 503);
    expect(shed).toHaveLength(2);
    expect(shed[0].body.error).toMatchObject({ code: 'overloaded', type: 'api_error' });
    expect(shed[0].retryAfter).not.toBeNull();
    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(4);
  });
});

describe('a queued request that waits too long', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MAX_INFLIGHT: '1', MAX_QUEUE: '4', MAX_QUEUE_WAIT_MS: '200' },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('is shed with 503 after MAX_QUEUE_WAIT_MS while the admitted one completes', async () => {
    ollama.always({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 1000 });
    const first = post(url, '/v1/generate', { prompt: 'Hi', max_tokens: 4 });
    while (ollama.generationCalls().length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await post(url, '/v1/generate', { prompt: 'Hi', max_tokens: 4 });
    expect(second.status).toBe(503);
    expect(second.retryAfter).toBe('1');
    expect((await first).status).toBe(200);
    expect(ollama.generationCalls()).toHaveLength(1);
    const exposition = await (await fetch(`${url}/metrics`)).text();
    expect(sampleValue(exposition, 'llm_gateway_load_shed_total', { reason: 'queue_timeout' })).toBe(1);
  });

  it('drops a queued request whose client went away, without ever sending it upstream', async () => {
    ollama.always({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 800 });
    const before = ollama.generationCalls().length;
    const first = post(url, '/v1/generate', { prompt: 'Hi', max_tokens: 4 });
    while (ollama.generationCalls().length === before) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const leaving = new AbortController();
    const queued = fetch(`${url}/v1/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }),
      signal: leaving.signal,
    }).catch(() => 'aborted');
    const depth = async () =>
      sampleValue(await (await fetch(`${url}/metrics`)).text(), 'llm_gateway_queue_depth');
    while ((await depth()) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    leaving.abort();
    expect(await queued).toBe('aborted');
    while ((await depth()) !== 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await first).status).toBe(200);
    expect(ollama.generationCalls()).toHaveLength(before + 1);
  });
});
