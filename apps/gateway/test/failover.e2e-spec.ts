import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama, type Scenario } from '../../../test/fixtures/fake-ollama';
import { freePort } from '../../../test/fixtures/free-port';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

const CIRCUIT = { closed: 0, halfOpen: 1, open: 2 };

async function generate(url: string): Promise<{ status: number; text?: string }> {
  const res = await fetch(`${url}/v1/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: 'Hi', max_tokens: 4 }),
  });
  const body = (await res.json()) as { generated_text?: string };
  return { status: res.status, text: body.generated_text };
}

async function metric(url: string, name: string, labels: Record<string, string>): Promise<number> {
  return sampleValue(await (await fetch(`${url}/metrics`)).text(), name, labels);
}

describe('two Ollama endpoints, one of them down', () => {
  let healthy: FakeOllama;
  let down: string;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    healthy = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    down = `http://127.0.0.1:${await freePort()}`;
    app = await createTestApp({
      env: {
        OLLAMA_HOSTS: `${down},${healthy.url}`,
        BREAKER_FAILURE_THRESHOLD: '2',
        BREAKER_COOLDOWN_MS: '60000',
        RETRY_BACKOFF_MS: '10',
        READINESS_CACHE_MS: '0',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await healthy?.stop();
  });

  it('serves every request from the healthy endpoint and rests the dead one', async () => {
    for (let i = 0; i < 6; i += 1) {
      expect(await generate(url)).toMatchObject({ status: 200, text: expect.any(String) });
    }
    expect(healthy.generationCalls()).toHaveLength(6);
    expect(await metric(url, 'llm_gateway_circuit_state', { endpoint: down })).toBe(CIRCUIT.open);
    expect(await metric(url, 'llm_gateway_circuit_state', { endpoint: healthy.url })).toBe(CIRCUIT.closed);
    // Two failed attempts opened the breaker; after that the dead endpoint is not tried at all.
    expect(await metric(url, 'llm_gateway_upstream_retries_total', { endpoint: down })).toBe(2);
  });

  it('stays ready while one endpoint serving the model answers', async () => {
    expect((await fetch(`${url}/ready`)).status).toBe(200);
  });
});

describe('an endpoint that fails, rests, and recovers', () => {
  let steady: FakeOllama;
  let flaky: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    steady = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    flaky = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOSTS: `${steady.url},${flaky.url}`,
        BREAKER_FAILURE_THRESHOLD: '2',
        BREAKER_COOLDOWN_MS: '300',
        RETRY_BACKOFF_MS: '10',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await steady?.stop();
    await flaky?.stop();
  });

  it('opens the breaker after consecutive 5xx, hides the failures from callers, and closes it after a good probe', async () => {
    flaky.next({ kind: 'error', status: 500, error: 'runner crashed' }, { kind: 'error', status: 500 });
    let attempts = 0;
    while ((await metric(url, 'llm_gateway_circuit_state', { endpoint: flaky.url })) !== CIRCUIT.open) {
      expect(await generate(url)).toMatchObject({ status: 200 });
      attempts += 1;
      expect(attempts).toBeLessThan(10);
    }
    const failedCalls = flaky.generationCalls().length;
    expect(failedCalls).toBe(2);

    // While it rests, nothing is sent to it.
    for (let i = 0; i < 3; i += 1) {
      expect(await generate(url)).toMatchObject({ status: 200 });
    }
    expect(flaky.generationCalls()).toHaveLength(failedCalls);

    await new Promise((resolve) => setTimeout(resolve, 350));
    attempts = 0;
    while (flaky.generationCalls().length === failedCalls) {
      expect(await generate(url)).toMatchObject({ status: 200 });
      attempts += 1;
      expect(attempts).toBeLessThan(10);
    }
    expect(await metric(url, 'llm_gateway_circuit_state', { endpoint: flaky.url })).toBe(CIRCUIT.closed);
  });
});

describe('a failure after the first token', () => {
  let first: FakeOllama;
  let second: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    first = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    second = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: { OLLAMA_HOSTS: `${first.url},${second.url}`, RETRY_BACKOFF_MS: '10' },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await first?.stop();
    await second?.stop();
  });

  it('is never retried: the stream ends with an error event and no other endpoint is asked', async () => {
    const broken: Scenario = { kind: 'mid-stream-error', tokens: ['Hel', 'lo'], error: 'runner died' };
    first.always(broken);
    second.always(broken);
    const res = await fetch(`${url}/v1/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'Hi', max_tokens: 4, stream: true }),
    });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body.match(/event: delta/g)).toHaveLength(2);
    expect(body).toContain('event: error');
    expect(first.generationCalls().length + second.generationCalls().length).toBe(1);
  });
});
