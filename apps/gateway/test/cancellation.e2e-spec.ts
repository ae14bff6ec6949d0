import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { SINGLE_ATTEMPT } from './support/test-app';
import { startGatewayOnFakeOllama, stopGatewayOnFakeOllama } from './support/gateway-on-fake-ollama';

const MODEL = 'qwen2.5:0.5b';
/** How soon after the client leaves the upstream connection must be closed. */
const UPSTREAM_CLOSE_BOUND_MS = 1000;

describe('client disconnects stop the upstream generation', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ ollama, app, url } = await startGatewayOnFakeOllama(MODEL, { env: SINGLE_ATTEMPT }));
  });

  afterAll(() => stopGatewayOnFakeOllama({ ollama, app }));

  const metric = (name: string, labels: Record<string, string> = {}) =>
    scrape(app.getHttpServer(), name, labels);
  const disconnects = (route: string) =>
    metric('llm_gateway_cancellations_total', { route, model: MODEL, reason: 'client_disconnect' });

  /** Polls until `read` returns `expected` (server-side cleanup runs just after the socket closes). */
  async function settlesTo(read: () => Promise<number>, expected: number): Promise<number> {
    let value = await read();
    for (let i = 0; i < 50 && value !== expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      value = await read();
    }
    return value;
  }

  async function untilUpstreamCalled(count: number): Promise<number> {
    while (ollama.generationCalls().length < count) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return count - 1;
  }

  function post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    return fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }

  const slowTokens = {
    kind: 'tokens' as const,
    tokens: Array(50).fill('tok ') as string[],
    interTokenDelayMs: 100,
  };

  it.each([
    ['/v1/generate', { prompt: 'Tell a long story', stream: true }],
    [
      '/v1/chat/completions',
      { model: MODEL, messages: [{ role: 'user', content: 'Long story' }], stream: true },
    ],
    ['/v1/responses', { model: MODEL, input: 'Long story', stream: true }],
    // Ollama's own API streams NDJSON by default.
    ['/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'Long story' }] }],
    ['/api/generate', { model: MODEL, prompt: 'Tell a long story' }],
  ])('%s: leaving mid-stream closes the upstream stream at once', async (route, body) => {
    ollama.next(slowTokens);
    const before = await disconnects(route);
    const callIndex = ollama.generationCalls().length;
    const client = new AbortController();
    const res = await post(route, body, client.signal);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    expect(await metric('llm_gateway_streams_in_flight', { route })).toBe(1);
    // Counted as API work in flight, which is what a drain waits for.
    expect(await metric('llm_gateway_requests_in_flight')).toBe(1);
    client.abort();
    await ollama.waitForClientGone(callIndex, UPSTREAM_CLOSE_BOUND_MS);
    expect(ollama.generationCalls()[callIndex].finishedAt).toBeUndefined();
    expect(await settlesTo(() => metric('llm_gateway_requests_in_flight'), 0)).toBe(0);
    expect(await settlesTo(() => metric('llm_gateway_streams_in_flight', { route }), 0)).toBe(0);
    expect(await settlesTo(() => disconnects(route), before + 1)).toBe(before + 1);
  });

  it('/v1/generate: leaving during a non-streaming call aborts the upstream request', async () => {
    ollama.next({ kind: 'hang' });
    const before = await disconnects('/v1/generate');
    const client = new AbortController();
    const pending = post('/v1/generate', { prompt: 'Hi' }, client.signal).catch((e: unknown) => e);
    const callIndex = await untilUpstreamCalled(ollama.generationCalls().length + 1);
    expect(await metric('llm_gateway_requests_in_flight')).toBe(1);
    client.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await ollama.waitForClientGone(callIndex, UPSTREAM_CLOSE_BOUND_MS);
    expect(await settlesTo(() => metric('llm_gateway_requests_in_flight'), 0)).toBe(0);
    expect(await settlesTo(() => disconnects('/v1/generate'), before + 1)).toBe(before + 1);
    expect(
      await metric('llm_gateway_requests_total', { route: '/v1/generate', outcome: 'cancelled' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('/v1/chat/completions: an SDK call aborted by its caller aborts the upstream request', async () => {
    ollama.next({ kind: 'hang' });
    const route = '/v1/chat/completions';
    const before = await disconnects(route);
    const sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const client = new AbortController();
    const pending = sdk.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }, { signal: client.signal })
      .catch((e: unknown) => e);
    const callIndex = await untilUpstreamCalled(ollama.generationCalls().length + 1);
    client.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await ollama.waitForClientGone(callIndex, UPSTREAM_CLOSE_BOUND_MS);
    expect(await settlesTo(() => metric('llm_gateway_requests_in_flight'), 0)).toBe(0);
    expect(await settlesTo(() => disconnects(route), before + 1)).toBe(before + 1);
  });

  it('a stream that finishes normally is not counted as cancelled', async () => {
    const before = await disconnects('/v1/generate');
    const res = await post('/v1/generate', { prompt: 'Hi', stream: true }, new AbortController().signal);
    await res.text();
    expect(ollama.generationCalls().at(-1)?.clientGoneAt).toBeUndefined();
    expect(await disconnects('/v1/generate')).toBe(before);
  });
});
