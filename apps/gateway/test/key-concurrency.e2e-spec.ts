import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama, slowStream } from '../../../test/fixtures/fake-ollama';
import { eventually, KeysFileFixture, newApiKey } from './support/api-keys';
import { sampleValue } from './support/metrics';
import { until } from './support/until';
import { baseUrl, createTestApp } from './support/test-app';

interface Outcome {
  status: number;
  retryAfter: string | null;
  body: string;
}

const MODEL = 'qwen2.5:0.5b';

async function chatStream(url: string, key: string, signal?: AbortSignal): Promise<Outcome> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Count' }],
      max_tokens: 32,
      stream: true,
    }),
    signal,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

describe('per-key concurrency, one gateway', () => {
  const keysFile = new KeysFileFixture();
  const flood = newApiKey({ id: 'flood', concurrency: 2, rpm: 0, tpm: 0 });
  const other = newApiKey({ id: 'other', concurrency: 2, rpm: 0, tpm: 0 });
  const byDefault = newApiKey({ id: 'by-default', rpm: 0, tpm: 0 });
  const unlimited = newApiKey({ id: 'unlimited', concurrency: 0, rpm: 0, tpm: 0 });
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  const metric = async (name: string, labels: Record<string, string> = {}) =>
    sampleValue(await (await fetch(`${url}/metrics`)).text(), name, labels);

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    keysFile.write([flood.entry, other.entry, byDefault.entry, unlimited.entry]);
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        RATE_LIMIT_CONCURRENCY: '1',
        // Without a per-key cap, 18 streams of one key fill these 4 slots and the 14 places in the queue.
        MAX_INFLIGHT: '4',
        MAX_QUEUE: '14',
        MAX_QUEUE_WAIT_MS: '10000',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
    keysFile.remove();
  });

  it('one key cannot take every slot: beyond its concurrency it gets 429 while another key is served', async () => {
    ollama.always(slowStream(20, 150));
    const floodOutcomes = Promise.all(Array.from({ length: 18 }, () => chatStream(url, flood.key)));
    await until(() => ollama.activeGenerations === 2);
    const otherOutcome = await chatStream(url, other.key);
    const outcomes = await floodOutcomes;

    expect(otherOutcome.status).toBe(200);
    expect(otherOutcome.body).toContain('data: [DONE]');
    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(2);
    const refused = outcomes.filter((o) => o.status !== 200);
    expect(refused).toHaveLength(16);
    for (const outcome of refused) {
      expect(outcome.status).toBe(429);
      expect(outcome.retryAfter).toBe('1');
      expect(JSON.parse(outcome.body)).toEqual({
        error: {
          message: expect.stringContaining('2 generation(s) at once'),
          type: 'rate_limit_error',
          param: null,
          code: 'concurrency_limit_exceeded',
        },
      });
    }
    // The flooding key never had more than its two generations upstream.
    expect(ollama.maxConcurrentGenerations).toBe(3);
    expect(await metric('llm_gateway_rate_limited_total', { reason: 'concurrency' })).toBe(16);
    expect(await metric('llm_gateway_load_shed_total', { reason: 'queue_full' })).toBe(0);
  });

  it('gives the slot back when the response ends, and when the client goes away mid-stream', async () => {
    ollama.always(slowStream(3, 20));
    const finished = await Promise.all([chatStream(url, flood.key), chatStream(url, flood.key)]);
    expect(finished.map((o) => o.status)).toEqual([200, 200]);

    ollama.always(slowStream(100, 100));
    const leaving = new AbortController();
    const cut = [chatStream(url, flood.key, leaving.signal), chatStream(url, flood.key, leaving.signal)];
    await until(() => ollama.activeGenerations === 2);
    expect((await chatStream(url, flood.key)).status).toBe(429);
    leaving.abort();
    await Promise.allSettled(cut);
    ollama.always(slowStream(2, 10));
    await eventually(async () => expect((await chatStream(url, flood.key)).status).toBe(200));
  });

  it('does not count listings against the limit', async () => {
    ollama.always(slowStream(20, 100));
    const held = Promise.all([chatStream(url, flood.key), chatStream(url, flood.key)]);
    await until(() => ollama.activeGenerations === 2);
    const models = await fetch(`${url}/v1/models`, { headers: { Authorization: `Bearer ${flood.key}` } });
    expect(models.status).toBe(200);
    await held;
  });

  it('applies RATE_LIMIT_CONCURRENCY to keys without their own, in the gateway shape on its own routes', async () => {
    ollama.always(slowStream(10, 100));
    const generate = () =>
      fetch(`${url}/v1/generate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${byDefault.key}` },
        body: JSON.stringify({ prompt: 'Count', max_tokens: 16, stream: true }),
      });
    const first = generate();
    await until(() => ollama.activeGenerations === 1);
    const second = await generate();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe(
      'concurrency_limit_exceeded',
    );
    expect((await first).status).toBe(200);
    await (await first).text();
  });

  it('lets a key whose entry says 0 run unlimited generations', async () => {
    ollama.always(slowStream(5, 50));
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => chatStream(url, unlimited.key)));
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200]);
  });
});
