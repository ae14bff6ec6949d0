import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';

import { DnsResponder } from '../../../test/fixtures/dns-responder';
import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp } from './support/test-app';

const CHAT_MODEL = 'qwen2.5:0.5b';
const CODER_MODEL = 'qwen2.5-coder:1.5b';
const INTERVAL_MS = 150;

/**
 * Every fake Ollama listens on the same port, each on its own loopback address (127.0.0.0/8 all
 * reaches lo on Linux), exactly as pods behind a headless Service share a port and differ by IP.
 */
async function ollamaAt(address: string, port: number, models: string[]): Promise<FakeOllama> {
  return new FakeOllama({ host: address, port, models }).start();
}

async function chat(url: string, model: string, stream = false): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8, stream }),
  });
}

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** Polls until `check` holds (discovery works on its own clock); fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Ollama endpoints discovered in DNS', () => {
  let dns: DnsResponder;
  let port: number;
  let first: FakeOllama;
  let second: FakeOllama;
  let coder: FakeOllama;
  let app: NestExpressApplication;
  let url: string;
  const chatSource = () => `dns://ollama.test:${port}`;
  const coderSource = () => `dns://coder.test:${port}`;
  const ready = async (source: string): Promise<number> =>
    sampleValue(await metrics(url), 'llm_gateway_discovered_endpoints', { source, state: 'ready' });

  beforeAll(async () => {
    dns = await new DnsResponder().start();
    first = await new FakeOllama({ host: '127.0.0.2', models: [CHAT_MODEL] }).start();
    port = first.listeningPort;
    second = await ollamaAt('127.0.0.3', port, []);
    coder = await ollamaAt('127.0.0.4', port, [CODER_MODEL]);
    dns.set('ollama.test', ['127.0.0.2']);
    dns.set('coder.test', ['127.0.0.4']);
    const dir = mkdtempSync(join(tmpdir(), 'discovery-'));
    const modelsFile = join(dir, 'models.yaml');
    writeFileSync(
      modelsFile,
      [
        'models:',
        `  - { id: chat, backendModel: "${CHAT_MODEL}", endpoints: ["${chatSource()}"] }`,
        `  - { id: coder, backendModel: "${CODER_MODEL}", endpoints: ["dns://CODER.test:${port}"] }`,
      ].join('\n'),
    );
    app = await createTestApp({
      env: {
        OLLAMA_DISCOVERY: `${chatSource()},${coderSource()}`,
        OLLAMA_DISCOVERY_DNS_SERVER: dns.server,
        OLLAMA_DISCOVERY_INTERVAL_MS: String(INTERVAL_MS),
        OLLAMA_DISCOVERY_TIMEOUT_MS: '100',
        MODELS_FILE: modelsFile,
        MAX_INFLIGHT: '4',
        READINESS_CACHE_MS: '0',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([first, second, coder].map((ollama) => ollama?.stop()));
    await dns?.stop();
  });

  it('starts with the addresses DNS gives and routes each model only to its own name', async () => {
    expect(await ready(chatSource())).toBe(1);
    expect(await ready(coderSource())).toBe(1);
    for (let i = 0; i < 3; i += 1) {
      expect((await chat(url, 'chat')).status).toBe(200);
      expect((await chat(url, 'coder')).status).toBe(200);
    }
    expect(first.generationCalls()).toHaveLength(3);
    expect(coder.generationCalls()).toHaveLength(3);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
  });

  it('lets a new address take requests only once it has its model', async () => {
    dns.set('ollama.test', ['127.0.0.2', '127.0.0.3']);
    await eventually(async () => {
      const text = await metrics(url);
      return (
        sampleValue(text, 'llm_gateway_discovered_endpoints', { source: chatSource(), state: 'pending' }) ===
        1
      );
    });
    for (let i = 0; i < 4; i += 1) {
      expect((await chat(url, 'chat')).status).toBe(200);
    }
    expect(second.generationCalls()).toHaveLength(0);

    second.models = [CHAT_MODEL];
    await eventually(async () => (await ready(chatSource())) === 2);
    for (let i = 0; i < 6; i += 1) {
      expect((await chat(url, 'chat')).status).toBe(200);
    }
    expect(second.generationCalls().length).toBeGreaterThan(0);
  });

  it('sends nothing new to a vanished address while its stream there finishes', async () => {
    first.always({
      kind: 'tokens',
      tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      interTokenDelayMs: 150,
    });
    second.always({
      kind: 'tokens',
      tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      interTokenDelayMs: 150,
    });
    // Two streams: least-loaded balancing puts one on each address.
    const streams = [await chat(url, 'chat', true), await chat(url, 'chat', true)];
    const bodies = streams.map((res) => res.text());
    const firstCalls = first.generationCalls().length;
    expect(first.activeGenerations).toBe(1);

    dns.set('ollama.test', ['127.0.0.3']);
    await eventually(async () => (await ready(chatSource())) === 1);
    first.always(undefined);
    second.always(undefined);
    for (let i = 0; i < 4; i += 1) {
      expect((await chat(url, 'chat')).status).toBe(200);
    }
    expect(first.generationCalls()).toHaveLength(firstCalls);
    for (const body of await Promise.all(bodies)) {
      expect(body).toContain('[DONE]');
      expect(body).not.toContain('"error"');
    }
    expect(first.generationCalls().every((call) => call.clientGoneAt === undefined)).toBe(true);
    // Once drained, the address's series are gone (pod addresses churn; series must not pile up).
    await eventually(async () => !(await metrics(url)).includes(`endpoint="${first.url}"`));
  });

  it('keeps the last good endpoints through DNS failures and timeouts, and counts them', async () => {
    const failures = async (): Promise<number> =>
      sampleValue(await metrics(url), 'llm_gateway_discovery_failures_total', { source: chatSource() });
    const before = await failures();
    dns.mode = 'servfail';
    await eventually(async () => (await failures()) >= before + 2);
    expect((await chat(url, 'chat')).status).toBe(200);
    dns.mode = 'silent';
    await eventually(async () => (await failures()) >= before + 4);
    expect((await chat(url, 'chat')).status).toBe(200);
    expect(await ready(chatSource())).toBe(1);
    dns.mode = 'answer';
  });

  it('retires every address when the name has none left, and answers 503 with Retry-After', async () => {
    dns.set('coder.test', []);
    await eventually(async () => (await ready(coderSource())) === 0);
    const res = await chat(url, 'coder');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_unavailable' } });
  });
});
