import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { eventually } from './support/api-keys';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

/** `gateway;dur=1.2, queue;dur=0` -> { gateway: 1.2, queue: 0 } */
function parseServerTiming(header: string | null): Record<string, number> {
  expect(header).not.toBeNull();
  return Object.fromEntries(
    (header ?? '').split(',').map((entry) => {
      const [name, ...params] = entry.trim().split(';');
      const dur = params.find((param) => param.startsWith('dur='));
      return [name, Number(dur?.slice('dur='.length))];
    }),
  );
}

/** Sums (in milliseconds) and counts of the histograms the Server-Timing figures come from. */
async function histograms(url: string, route: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const ms = (name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels) * 1000;
  return {
    requests: sampleValue(text, 'llm_gateway_request_duration_seconds_count', { route, outcome: 'success' }),
    overhead: ms('llm_gateway_overhead_seconds_sum', { route }),
    upstream: ms('llm_gateway_upstream_duration_seconds_sum', { route }),
    queue: ms('llm_gateway_queue_wait_seconds_sum'),
    ttft: ms('llm_gateway_time_to_first_token_seconds_sum', { route }),
  };
}

type Figures = Awaited<ReturnType<typeof histograms>>;

/** Metrics after one more request on `route` ended (the end-of-request step runs on response close). */
async function after(url: string, route: string, before: Figures): Promise<Figures> {
  let now = before;
  await eventually(async () => {
    now = await histograms(url, route);
    expect(now.requests).toBe(before.requests + 1);
  });
  return now;
}

async function post(url: string, path: string, body: object) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return { status: res.status, timing: parseServerTiming(res.headers.get('server-timing')) };
}

describe('Server-Timing on generation responses', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MAX_INFLIGHT: '1', HEARTBEAT_INTERVAL_MS: '1000' },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('a whole answer carries gateway, queue and upstream, equal to the metrics within a millisecond', async () => {
    const route = '/v1/generate';
    const before = await histograms(url, route);
    const { status, timing } = await post(url, route, { prompt: 'hi', max_tokens: 4 });
    expect(status).toBe(200);
    expect(Object.keys(timing)).toEqual(['gateway', 'queue', 'upstream']);
    const now = await after(url, route, before);
    expect(Math.abs(timing.gateway - (now.overhead - before.overhead))).toBeLessThan(1);
    expect(Math.abs(timing.upstream - (now.upstream - before.upstream))).toBeLessThan(1);
    expect(Math.abs(timing.queue - (now.queue - before.queue))).toBeLessThan(1);
    expect(timing.upstream).toBeGreaterThan(0);
  });

  it('the same on the OpenAI routes', async () => {
    const route = '/v1/completions';
    const before = await histograms(url, route);
    const { status, timing } = await post(url, route, { model: 'qwen2.5:0.5b', prompt: 'hi', max_tokens: 4 });
    expect(status).toBe(200);
    const now = await after(url, route, before);
    expect(Math.abs(timing.gateway - (now.overhead - before.overhead))).toBeLessThan(1);
    expect(Math.abs(timing.upstream - (now.upstream - before.upstream))).toBeLessThan(1);
  });

  it('a stream carries gateway, queue and ttft at commit: ttft = gateway + the first-token metric', async () => {
    const route = '/v1/chat/completions';
    const before = await histograms(url, route);
    ollama.next({ kind: 'tokens', tokens: ['a', 'b'], firstTokenDelayMs: 50 });
    const { status, timing } = await post(url, route, {
      model: 'qwen2.5:0.5b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(status).toBe(200);
    expect(Object.keys(timing)).toEqual(['gateway', 'queue', 'ttft']);
    const now = await after(url, route, before);
    // The first-token metric counts from the backend call; ttft from the request's arrival.
    expect(Math.abs(timing.ttft - (timing.gateway + now.ttft - before.ttft))).toBeLessThan(1);
    expect(timing.ttft).toBeGreaterThanOrEqual(50);
    expect(Math.abs(timing.queue - (now.queue - before.queue))).toBeLessThan(1);
  });

  it('reports the wait for a busy backend slot as queue', async () => {
    const route = '/v1/generate';
    const before = await histograms(url, route);
    ollama.next({ kind: 'tokens', tokens: ['slow'], firstTokenDelayMs: 300 });
    const [first, second] = await Promise.all([
      post(url, route, { prompt: 'first', max_tokens: 4 }),
      // Sent once the first holds the only slot (MAX_INFLIGHT=1).
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        post(url, route, { prompt: 'second', max_tokens: 4 }),
      ),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.timing.queue).toBeGreaterThan(150);
    expect(second.timing.upstream).toBeGreaterThanOrEqual(second.timing.queue);
    await eventually(async () => {
      const now = await histograms(url, route);
      expect(now.requests).toBe(before.requests + 2);
      expect(Math.abs(first.timing.queue + second.timing.queue - (now.queue - before.queue))).toBeLessThan(1);
    });
  });

  it('a generation that failed at the backend carries it too, on its error response', async () => {
    const route = '/v1/chat/completions';
    const before = await histograms(url, route);
    ollama.next({ kind: 'error', status: 400, error: 'bad option' });
    const res = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'qwen2.5:0.5b',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      }),
    });
    expect(res.status).toBe(400);
    await res.text();
    const timing = parseServerTiming(res.headers.get('server-timing'));
    expect(Object.keys(timing)).toEqual(['gateway', 'queue', 'upstream']);
    expect(timing.upstream).toBeGreaterThan(0);
    await eventually(async () => {
      const now = await histograms(url, route);
      expect(Math.abs(timing.gateway - (now.overhead - before.overhead))).toBeLessThan(1);
    });
  });

  it('a stream committed by a heartbeat before its first event carries only gateway', async () => {
    ollama.next({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 1500 });
    const { status, timing } = await post(url, '/v1/generate', { prompt: 'hi', max_tokens: 4, stream: true });
    expect(status).toBe(200);
    expect(Object.keys(timing)).toEqual(['gateway']);
    expect(timing.gateway).toBeLessThan(1000);
  });
});
