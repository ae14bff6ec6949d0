import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { freePort } from '../../../test/fixtures/free-port';
import { createTestApp } from './support/test-app';

/** The start-up report lists the backend's models once, in the background; let it land first. */
async function startupCheckDone(ollama: FakeOllama): Promise<void> {
  while (!ollama.calls.some((call) => call.path === '/api/tags')) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('/health and /ready against a fake Ollama over the network', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MODEL_NAME: 'llama3', READINESS_CACHE_MS: '0' },
    });
    await startupCheckDone(ollama);
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  const ready = () => request(app.getHttpServer()).get('/ready');

  it('/health answers 200 without asking the backend', async () => {
    const before = ollama.calls.length;
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(ollama.calls.length).toBe(before);
  });

  it('/ready is 200 when the model is there (llama3 == llama3:latest), and says it is loaded', async () => {
    ollama.models = ['llama3:latest'];
    ollama.loaded = ['llama3:latest'];
    const res = await ready().expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { inference: { status: 'up', model: 'llama3', loaded: true } },
    });
  });

  it('/ready is 200 but not loaded when the model is only on disk', async () => {
    ollama.models = ['llama3'];
    ollama.loaded = [];
    const res = await ready().expect(200);
    expect(res.body).toMatchObject({ details: { inference: { status: 'up', loaded: false } } });
  });

  it('/ready is 503 with the reason and the available models when the model is missing', async () => {
    ollama.models = ['qwen2.5:0.5b', 'llama3:8b'];
    ollama.loaded = [];
    const res = await ready().expect(503);
    expect(res.body).toMatchObject({
      status: 'error',
      error: {
        inference: {
          status: 'down',
          model: 'llama3',
          reason: "model 'llama3' is not available on the backend",
          available: ['qwen2.5:0.5b', 'llama3:8b'],
        },
      },
    });
  });

  it('/ready turns 200 again once the model is pulled', async () => {
    ollama.models = [];
    await ready().expect(503);
    ollama.models = ['llama3'];
    await ready().expect(200);
  });

  it('/ready never generates tokens', async () => {
    await ready();
    expect(ollama.generationCalls()).toEqual([]);
  });
});

describe('/health and /ready with nothing listening at OLLAMA_HOST', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({
      env: { OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`, READINESS_CACHE_MS: '0' },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('/health stays 200: a backend outage must not restart the gateway', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
  });

  it('/ready is 503 saying the backend is unreachable', async () => {
    const res = await request(app.getHttpServer()).get('/ready').expect(503);
    expect(res.body).toMatchObject({
      status: 'error',
      error: { inference: { status: 'down', reason: 'inference backend unreachable' } },
    });
  });
});

describe('/ready caches its answer for READINESS_CACHE_MS', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MODEL_NAME: 'qwen2.5:0.5b', READINESS_CACHE_MS: '60000' },
    });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('a storm of probes reaches the backend once', async () => {
    await Promise.all(
      Array.from({ length: 10 }, () => request(app.getHttpServer()).get('/ready').expect(200)),
    );
    await request(app.getHttpServer()).get('/ready').expect(200);
    // /api/ps is asked by readiness only (the start-up report lists /api/tags).
    expect(ollama.calls.filter((call) => call.path === '/api/ps')).toHaveLength(1);
  });
});
