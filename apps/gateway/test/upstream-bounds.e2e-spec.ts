import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { LogCapture } from './support/log-capture';
import { createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

describe('a distrustful Ollama backend, through HTTP', () => {
  let ollama: FakeOllama;
  let elsewhere: FakeOllama;
  let app: NestExpressApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    elsewhere = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({
      // Retries on (the default): a redirect must still be sent only once. No breaker: each test sees
      // exactly what its upstream did.
      env: {
        OLLAMA_HOST: ollama.url,
        MODEL_NAME: MODEL,
        LOG_LEVEL: 'warn',
        READINESS_CACHE_MS: '0',
        BREAKER_FAILURE_THRESHOLD: '1000',
      },
      customise: logs.into,
    });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
    await elsewhere?.stop();
  });

  beforeEach(() => {
    ollama.calls.length = 0;
    elsewhere.calls.length = 0;
    ollama.listsRedirectTo = undefined;
  });

  const generate = (body: object) => request(app.getHttpServer()).post('/v1/generate').send(body);

  it('a 307 from Ollama -> 502 upstream_redirect, sent once, never re-sent to the target', async () => {
    ollama.next({ kind: 'redirect', status: 307, location: `${elsewhere.url}/api/generate` });
    const res = await generate({ prompt: 'Hi', max_tokens: 8 }).expect(502);
    expect(res.body.error).toMatchObject({ code: 'upstream_redirect' });
    expect(res.text).not.toContain(elsewhere.url);
    expect(ollama.generationCalls()).toHaveLength(1);
    expect(elsewhere.calls).toEqual([]);
  });

  it('readiness does not follow a redirect either', async () => {
    ollama.listsRedirectTo = `${elsewhere.url}/api/tags`;
    await request(app.getHttpServer()).get('/ready').expect(503);
    expect(elsewhere.calls).toEqual([]);
  });

  it("keeps Ollama's error text out of the answer and logs it with the request id", async () => {
    const internal = 'llama runner process has terminated: signal: killed (CUDA 0x7f3a)';
    const failure = { kind: 'error', status: 500, error: internal } as const;
    ollama.next(failure, failure, failure); // the first attempt and both retries
    const res = await generate({ prompt: 'Hi', max_tokens: 8 }).expect(502);
    expect(res.body.error).toMatchObject({ code: 'upstream_error', message: 'the inference backend failed' });
    expect(res.text).not.toContain('llama runner');
    const requestId = res.headers['x-request-id'];
    const logged = logs.lines.find((line) => String(line.detail).includes(internal));
    expect(logged).toMatchObject({ code: 'upstream_error', req: { id: requestId } });
  });

  it('a mid-stream error line reaches the client as the fixed message only', async () => {
    ollama.next({ kind: 'mid-stream-error', tokens: ['a'], error: 'CUDA error: out of memory' });
    const res = await generate({ prompt: 'Hi', max_tokens: 8 }).expect(502);
    expect(res.body.error).toMatchObject({
      code: 'upstream_protocol_error',
      message: 'the inference backend failed mid-stream',
    });
    expect(res.text).not.toContain('CUDA');
  });

  it('an Ollama that ignores max_tokens: the stream stops at max_tokens with finish_reason length', async () => {
    ollama.next({ kind: 'runaway' });
    const res = await generate({ prompt: 'Hi', max_tokens: 3, stream: true }).expect(200);
    const deltas = res.text.match(/^event: delta$/gm) ?? [];
    expect(deltas).toHaveLength(3);
    expect(res.text).toMatch(/event: done\ndata: .*"finish_reason":"length"/);
    await ollama.waitForClientGone(0, 5000);
  });
});
