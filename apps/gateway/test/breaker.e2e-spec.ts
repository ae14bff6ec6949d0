import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama, type Scenario } from '../../../test/fixtures/fake-ollama';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

const OPEN = 2;
const CLOSED = 0;

async function generate(url: string, stream = false): Promise<Response> {
  return fetch(`${url}/v1/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: 'A long prompt', max_tokens: 4, stream }),
  });
}

async function circuit(url: string, endpoint: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return sampleValue(text, 'llm_gateway_circuit_state', { endpoint });
}

describe('the breaker of a single Ollama endpoint', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeEach(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        BREAKER_FAILURE_THRESHOLD: '2',
        BREAKER_COOLDOWN_MS: '60000',
        BREAKER_PROBE_INTERVAL_MS: '1000',
        UPSTREAM_RETRIES: '0',
      },
    });
    url = await baseUrl(app);
  });

  afterEach(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('does not count prompts that fail mid-stream against the endpoint', async () => {
    const broken: Scenario = { kind: 'mid-stream-error', tokens: ['Hel', 'lo'], error: 'out of memory' };
    ollama.next(broken, broken, broken);
    for (let i = 0; i < 3; i += 1) {
      const res = await generate(url, true);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('event: error');
    }
    expect(await circuit(url, ollama.url)).toBe(CLOSED);
    const next = await generate(url);
    expect(next.status).toBe(200);
  });

  it('does not count requests Ollama rejects as the caller mistake', async () => {
    const rejected: Scenario = { kind: 'error', status: 400, error: 'invalid option' };
    ollama.next(rejected, rejected, rejected);
    for (let i = 0; i < 3; i += 1) {
      expect((await generate(url)).status).toBe(400);
    }
    expect((await generate(url)).status).toBe(200);
    expect(await circuit(url, ollama.url)).toBe(CLOSED);
  });

  it('keeps probing a failing endpoint once per interval and says so in Retry-After', async () => {
    ollama.always({ kind: 'error', status: 500, error: 'runner crashed' });
    expect((await generate(url)).status).toBe(502);
    expect((await generate(url)).status).toBe(502);
    expect(await circuit(url, ollama.url)).toBe(OPEN);

    const resting = await generate(url);
    expect(resting.status).toBe(503);
    // The next probe is at most the probe interval away, not the 60 s cooldown (nor a fixed 5 s).
    expect(resting.headers.get('retry-after')).toBe('1');
    expect(await resting.json()).toMatchObject({ error: { code: 'upstream_unavailable' } });
    const callsWhileResting = ollama.generationCalls().length;

    ollama.always(undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await generate(url)).status).toBe(200);
    expect(ollama.generationCalls()).toHaveLength(callsWhileResting + 1);
    expect(await circuit(url, ollama.url)).toBe(CLOSED);
    expect((await generate(url)).status).toBe(200);
  });
});
