import OpenAI from 'openai';

import { sampleValue } from './support/metrics';
import { startEmbeddedGateway } from './support/embedded-gateway';
import type { GatewayProcess } from './support/gateway-process';
import { dataOf, readEvents } from './support/sse-client';

// A real llama.cpp engine in the gateway's own process, on the generated random-weights model: its text
// is noise, but its tokens, counts, streaming and cancellation are the real thing.
jest.setTimeout(60_000);

const MODEL = 'streaming-test-model';

describe('streaming and cancellation on the embedded backend', () => {
  let gateway: GatewayProcess;
  let url: string;

  beforeAll(async () => {
    gateway = await startEmbeddedGateway(MODEL);
    url = gateway.baseUrl;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  const scrape = async (name: string, labels: Record<string, string>) =>
    sampleValue(await (await fetch(`${url}/metrics`)).text(), name, labels);

  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });

  it('streams /v1/generate as delta events whose text and count match the done event', async () => {
    const res = await post('/v1/generate', { prompt: 'hello', max_tokens: 12, temperature: 0, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(res);
    const deltas = dataOf(events, 'delta') as Array<{ text: string }>;
    const [done] = dataOf(events, 'done') as Array<{
      tokens_generated: number;
      finish_reason: string;
      model: string;
      usage: { completion_tokens: number };
    }>;
    expect(events.at(-1)?.event).toBe('done');
    expect(done.model).toBe(MODEL);
    expect(done.tokens_generated).toBe(done.usage.completion_tokens);
    expect(done.tokens_generated).toBeLessThanOrEqual(12);
    expect(deltas.length).toBeGreaterThan(0);
    // Streaming and non-streaming produce the same text at temperature 0.
    const whole = (await (
      await post('/v1/generate', { prompt: 'hello', max_tokens: 12, temperature: 0 })
    ).json()) as { generated_text: string };
    expect(deltas.map((d) => d.text).join('')).toBe(whole.generated_text);
  });

  it('streams OpenAI chat completions with usage through the SDK', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 10,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
    }
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(['stop', 'length']).toContain(finish?.choices[0].finish_reason);
    const usage = chunks.at(-1)?.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(10);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('a client leaving mid-stream stops the generation and gives its sequence back', async () => {
    const labels = { route: '/v1/generate', model: MODEL, reason: 'client_disconnect' };
    const before = await scrape('llm_gateway_cancellations_total', labels);
    const client = new AbortController();
    const res = await post(
      '/v1/generate',
      { prompt: 'a long story', max_tokens: 2048, temperature: 0, stream: true },
      client.signal,
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await scrape('llm_gateway_cancellations_total', labels);
    }
    expect(after).toBe(before + 1);
    // The only sequence is free again: the next request is served instead of queueing forever.
    const next = await post('/v1/generate', { prompt: 'next', max_tokens: 3 });
    expect(next.status).toBe(200);
    expect(await scrape('llm_gateway_streams_in_flight', { route: '/v1/generate' })).toBe(0);
  });

  it('a client leaving a non-streaming call stops the generation too', async () => {
    const labels = { route: '/v1/chat/completions', model: MODEL, reason: 'client_disconnect' };
    const before = await scrape('llm_gateway_cancellations_total', labels);
    const client = new AbortController();
    const pending = post(
      '/v1/chat/completions',
      { model: MODEL, messages: [{ role: 'user', content: 'a long story' }], temperature: 0 },
      client.signal,
    ).catch((e: unknown) => e);
    // Without max_tokens it runs until the 2048-token context fills, about a second here: leave well before.
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await scrape('llm_gateway_cancellations_total', labels);
    }
    expect(after).toBe(before + 1);
    expect((await post('/v1/generate', { prompt: 'next', max_tokens: 3 })).status).toBe(200);
  });
});
