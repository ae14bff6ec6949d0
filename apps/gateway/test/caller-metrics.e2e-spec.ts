import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { KeysFileFixture, newApiKey } from './support/api-keys';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

const teamA = newApiKey({ id: 'team-a', models: ['*'] });
const teamB = newApiKey({ id: 'team-b', models: ['*'] });

async function generate(url: string, key: string, body: object): Promise<number> {
  const res = await fetch(`${url}/v1/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

/** A gateway with two keys in front of a fake Ollama; `env` adds to it. */
async function gatewayWith(env: Record<string, string>) {
  const keysFile = new KeysFileFixture().write([teamA.entry, teamB.entry]);
  const ollama = await new FakeOllama().start();
  const app: NestExpressApplication = await createTestApp({
    env: { OLLAMA_HOST: ollama.url, AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path, ...env },
  });
  const url = await baseUrl(app);
  const close = async () => {
    await app.close();
    await ollama.stop();
    keysFile.remove();
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  return { url, ollama, close, metrics };
}

describe('usage per caller with METRICS_PER_CALLER=true', () => {
  let gateway: Awaited<ReturnType<typeof gatewayWith>>;

  beforeAll(async () => {
    gateway = await gatewayWith({ METRICS_PER_CALLER: 'true' });
  });

  afterAll(async () => gateway?.close());

  it('counts requests, prompt and completion tokens by key id, never by key', async () => {
    const { url, ollama } = gateway;
    ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c'], promptEvalCount: 10 });
    ollama.next({ kind: 'tokens', tokens: ['d'], promptEvalCount: 5 });
    ollama.next({ kind: 'tokens', tokens: ['e', 'f'], promptEvalCount: 20 });
    expect(await generate(url, teamA.key, { prompt: 'one', max_tokens: 8 })).toBe(200);
    expect(await generate(url, teamA.key, { prompt: 'two', max_tokens: 8 })).toBe(200);
    expect(await generate(url, teamB.key, { prompt: 'three', max_tokens: 8 })).toBe(200);
    expect(await generate(url, teamB.key, { prompt: '' })).toBe(400);

    const text = await gateway.metrics();
    const value = (name: string, labels: Record<string, string>) =>
      sampleValue(text, `llm_gateway_caller_${name}`, labels);
    expect(value('requests_total', { caller: 'team-a', outcome: 'success' })).toBe(2);
    expect(value('requests_total', { caller: 'team-b', outcome: 'success' })).toBe(1);
    expect(value('requests_total', { caller: 'team-b', outcome: 'client_error' })).toBe(1);
    expect(value('prompt_tokens_total', { caller: 'team-a' })).toBe(15);
    expect(value('completion_tokens_total', { caller: 'team-a' })).toBe(4);
    expect(value('prompt_tokens_total', { caller: 'team-b' })).toBe(20);
    expect(value('completion_tokens_total', { caller: 'team-b' })).toBe(2);
    for (const { key, entry } of [teamA, teamB]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(entry.hash.slice('sha256:'.length));
    }
  });
});

describe('usage per caller, off by default', () => {
  it('keeps the families empty: no series, no caller ids in /metrics', async () => {
    const gateway = await gatewayWith({});
    try {
      expect(await generate(gateway.url, teamA.key, { prompt: 'one', max_tokens: 8 })).toBe(200);
      const text = await gateway.metrics();
      expect(text).toContain('# TYPE llm_gateway_caller_requests_total counter');
      expect(text.split('\n').filter((line) => line.startsWith('llm_gateway_caller_'))).toEqual([]);
      expect(text).not.toContain('team-a');
      // The caller-blind totals still count.
      expect(
        sampleValue(text, 'llm_gateway_completion_tokens_total', { route: '/v1/generate' }),
      ).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });
});
