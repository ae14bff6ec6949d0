import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { eventually, KeysFileFixture, newApiKey } from './support/api-keys';
import { LogCapture } from './support/log-capture';
import { baseUrl, createTestApp } from './support/test-app';

describe('the access log', () => {
  const keysFile = new KeysFileFixture();
  const caller = newApiKey({ id: 'team-a', models: ['*'] });
  const logs = new LogCapture();
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    keysFile.write([caller.entry]);
    ollama = await new FakeOllama().start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        LOG_LEVEL: 'info',
      },
      customise: logs.into,
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
    keysFile.remove();
  });

  const post = (path: string, requestId: string, body: object) =>
    fetch(`${url}${path}?api_key=never-logged`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${caller.key}`,
        'X-Request-Id': requestId,
      },
      body: JSON.stringify(body),
    });

  const lineOf = async (requestId: string): Promise<Record<string, unknown>> => {
    let line: Record<string, unknown> | undefined;
    await eventually(() => {
      line = logs.accessLine(requestId);
      expect(line).toBeDefined();
      return Promise.resolve();
    });
    return line ?? {};
  };

  it('has one line per generation with route, model, caller, status, outcome, tokens and timings', async () => {
    ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c'], firstTokenDelayMs: 30, promptEvalCount: 11 });
    const res = await post('/v1/chat/completions', 'log-stream-1', {
      model: 'qwen2.5:0.5b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    await res.text();

    const line = await lineOf('log-stream-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'POST /v1/chat/completions 200',
      method: 'POST',
      path: '/v1/chat/completions',
      route: '/v1/chat/completions',
      status: 200,
      outcome: 'success',
      caller: 'team-a',
      model: 'qwen2.5:0.5b',
      promptTokens: 11,
      completionTokens: 3,
    });
    const { queueMs, upstreamMs, ttftMs, totalMs } = line as Record<string, number>;
    expect(queueMs).toBeGreaterThanOrEqual(0);
    expect(upstreamMs).toBeGreaterThanOrEqual(queueMs);
    expect(ttftMs).toBeGreaterThanOrEqual(30);
    expect(ttftMs).toBeLessThanOrEqual(totalMs);
    expect(totalMs).toBeGreaterThanOrEqual(upstreamMs);
    // Tracing is off: no trace id, rather than an invented one.
    expect(line).not.toHaveProperty('traceId');
    expect(
      logs.lines.filter(
        (l) => (l.req as { id?: string } | undefined)?.id === 'log-stream-1' && 'outcome' in l,
      ),
    ).toHaveLength(1);
  });

  it('carries the same queue and upstream figures as the Server-Timing header', async () => {
    const res = await post('/v1/generate', 'log-json-1', { prompt: 'hi', max_tokens: 2 });
    expect(res.status).toBe(200);
    const timing = Object.fromEntries(
      (res.headers.get('server-timing') ?? '').split(', ').map((entry) => {
        const [name, dur] = entry.split(';dur=');
        return [name, Number(dur)];
      }),
    );
    await res.text();
    const line = await lineOf('log-json-1');
    expect(line).toMatchObject({
      route: '/v1/generate',
      outcome: 'success',
      caller: 'team-a',
      promptTokens: 7,
      completionTokens: 2,
      queueMs: timing.queue,
      upstreamMs: timing.upstream,
    });
  });

  it('records refusals with their outcome and no tokens or upstream time', async () => {
    const res = await post('/v1/chat/completions', 'log-404-1', {
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(404);
    const line = await lineOf('log-404-1');
    expect(line).toMatchObject({
      status: 404,
      outcome: 'client_error',
      caller: 'team-a',
      queueMs: 0,
      upstreamMs: 0,
    });
    expect(line).not.toHaveProperty('promptTokens');
    expect(line).not.toHaveProperty('completionTokens');
    expect(line).not.toHaveProperty('ttftMs');
    expect(JSON.stringify(logs.lines)).not.toContain('never-logged');
  });
});
