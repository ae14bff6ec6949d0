import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { dataOf, readEvents } from './support/sse-client';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

describe('POST /v1/generate with "stream": true (Server-Sent Events)', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  const post = (body: Record<string, unknown>) =>
    fetch(`${url}/v1/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        ...SINGLE_ATTEMPT,
        FIRST_TOKEN_TIMEOUT_MS: '1500',
        IDLE_TIMEOUT_MS: '400',
        HEARTBEAT_INTERVAL_MS: '100',
      },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('sends one delta event per token as it is produced, then a done event, then ends', async () => {
    ollama.next({
      kind: 'tokens',
      tokens: ['Hel', 'lo', ' world'],
      interTokenDelayMs: 80,
      promptEvalCount: 5,
    });
    const res = await post({ prompt: 'Say hello', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('content-encoding')).toBeNull();
    const events = await readEvents(res);
    expect(dataOf(events, 'delta')).toEqual([{ text: 'Hel' }, { text: 'lo' }, { text: ' world' }]);
    const deltas = events.filter((e) => e.event === 'delta');
    // Tokens 80 ms apart upstream arrive as separate reads, not one buffered body.
    expect(deltas[2].receivedAt).toBeGreaterThan(deltas[0].receivedAt);
    expect(dataOf(events, 'done')).toEqual([
      {
        finish_reason: 'stop',
        tokens_generated: 3,
        model: 'qwen2.5:0.5b',
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      },
    ]);
    expect(events.at(-1)?.event).toBe('done');
  });

  it('keeps the JSON contract when stream is absent or false', async () => {
    const res = await request(app.getHttpServer())
      .post('/v1/generate')
      .send({ prompt: 'Hi', max_tokens: 3, stream: false })
      .expect(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toMatchObject({ generated_text: 'Kubernetes runs containers', finish_reason: 'length' });
  });

  it('rejects a non-boolean stream flag', async () => {
    const res = await request(app.getHttpServer())
      .post('/v1/generate')
      .send({ prompt: 'Hi', stream: 'yes' })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', param: 'stream' });
  });

  it('answers an upstream failure before the first token with a normal HTTP error', async () => {
    ollama.next({ kind: 'error', status: 503, error: 'server busy, please try again.' });
    const res = await post({ prompt: 'Hi', stream: true });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_busy' } });
  });

  it('ends with an error event when Ollama writes an error line mid-stream', async () => {
    ollama.next({ kind: 'mid-stream-error', tokens: ['a', 'b'], error: 'CUDA error: out of memory' });
    const before = await scrape(app.getHttpServer(), 'llm_gateway_requests_total', {
      route: '/v1/generate',
      outcome: 'upstream_error',
    });
    const res = await post({ prompt: 'Hi', stream: true });
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(dataOf(events, 'delta')).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(dataOf(events, 'done')).toEqual([]);
    const [error] = dataOf(events, 'error') as Array<{ error: Record<string, unknown> }>;
    expect(error.error).toMatchObject({ code: 'upstream_protocol_error' });
    expect(typeof error.error.request_id).toBe('string');
    expect(events.at(-1)?.event).toBe('error');
    const after = await scrape(app.getHttpServer(), 'llm_gateway_requests_total', {
      route: '/v1/generate',
      outcome: 'upstream_error',
    });
    expect(after).toBe(before + 1);
  });

  it('never presents a truncated upstream stream as a clean finish', async () => {
    ollama.next({ kind: 'truncate', tokens: ['a', 'b'] });
    const events = await readEvents(await post({ prompt: 'Hi', stream: true }));
    expect(dataOf(events, 'done')).toEqual([]);
    expect(dataOf(events, 'error')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'upstream_protocol_error' }) }),
    ]);
  });

  it('sends comment heartbeats while waiting for a slow first token', async () => {
    ollama.next({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 450 });
    const events = await readEvents(await post({ prompt: 'Hi', stream: true }));
    const heartbeats = events.filter((e) => e.comment !== undefined);
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(dataOf(events, 'delta')).toEqual([{ text: 'late' }]);
    expect(events.at(-1)?.event).toBe('done');
  });

  it('ends a stream that stalls after its first tokens with a timeout error event', async () => {
    ollama.next({ kind: 'stall', tokens: ['a'] });
    const before = await scrape(app.getHttpServer(), 'llm_gateway_cancellations_total', {
      route: '/v1/generate',
      model: 'qwen2.5:0.5b',
      reason: 'timeout',
    });
    const events = await readEvents(await post({ prompt: 'Hi', stream: true }));
    expect(dataOf(events, 'delta')).toEqual([{ text: 'a' }]);
    const [error] = dataOf(events, 'error') as Array<{ error: { code: string; message: string } }>;
    expect(error.error.code).toBe('upstream_timeout');
    expect(error.error.message).toContain('idle timeout');
    const index = ollama.generationCalls().length - 1;
    await ollama.waitForClientGone(index, 1000);
    const after = await scrape(app.getHttpServer(), 'llm_gateway_cancellations_total', {
      route: '/v1/generate',
      model: 'qwen2.5:0.5b',
      reason: 'timeout',
    });
    expect(after).toBe(before + 1);
  });

  it('times out a first token that never comes, with heartbeats sent meanwhile', async () => {
    ollama.next({ kind: 'hang' });
    const res = await post({ prompt: 'Hi', stream: true });
    // The 200 was committed after one heartbeat interval, so the timeout arrives in-band.
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(events.some((e) => e.comment !== undefined)).toBe(true);
    const [error] = dataOf(events, 'error') as Array<{ error: { code: string; message: string } }>;
    expect(error.error).toMatchObject({ code: 'upstream_timeout' });
    expect(error.error.message).toContain('first token timeout');
  });

  it('answers a non-streaming call whose first token never comes with 504', async () => {
    ollama.next({ kind: 'hang' });
    const res = await request(app.getHttpServer()).post('/v1/generate').send({ prompt: 'Hi' }).expect(504);
    expect(res.body.error.code).toBe('upstream_timeout');
    expect(res.body.error.message).toContain('first token timeout');
  });

  it('leaves no stream counted as open afterwards', async () => {
    expect(
      await scrape(app.getHttpServer(), 'llm_gateway_streams_in_flight', { route: '/v1/generate' }),
    ).toBe(0);
  });
});
