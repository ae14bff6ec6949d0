import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('request hardening', () => {
  const backend = new ReplayProvider();
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({
      env: { BODY_LIMIT_BYTES: '4096', MAX_JSON_DEPTH: '8', MAX_STRING_LENGTH: '1000' },
      provider: backend,
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: string | object) =>
    request(app.getHttpServer()).post(path).set('Content-Type', 'application/json').send(body);

  it('answers 413 for a body over BODY_LIMIT_BYTES', async () => {
    const res = await post('/v1/generate', { prompt: 'x'.repeat(900), max_tokens: 8, pad: 'y'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 400 for JSON nested deeper than MAX_JSON_DEPTH, even absurdly deep', async () => {
    const deep = await post('/v1/generate', `{"prompt":"hi","extra":${nested(10)}}`).expect(400);
    expect(deep.body.error.code).toBe('json_too_deep');
    const bomb = await request(app.getHttpServer())
      .post('/v1/generate')
      .set('Content-Type', 'application/json')
      .send(`{"prompt":${nested(2000)}}`)
      .expect(400);
    expect(bomb.body.error.code).toBe('json_too_deep');
    await post('/v1/generate', { prompt: 'still alive', max_tokens: 8 }).expect(200);
  });

  it('answers 400 for a string longer than MAX_STRING_LENGTH, in a value or a key', async () => {
    const value = await post('/v1/generate', { prompt: 'x'.repeat(1001), max_tokens: 8 }).expect(400);
    expect(value.body.error.code).toBe('string_too_long');
    const key = await post('/v1/generate', `{"prompt":"hi","${'k'.repeat(1001)}":1}`).expect(400);
    expect(key.body.error.code).toBe('string_too_long');
    await post('/v1/generate', { prompt: 'x'.repeat(1000), max_tokens: 8 }).expect(200);
  });

  it('bounds max_tokens on every generation route', async () => {
    await post('/v1/generate', { prompt: 'hi', max_tokens: 2049 }).expect(400);
    const chat = await post('/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 1_000_000,
    }).expect(400);
    expect(chat.body.error.param).toBe('max_tokens');
    await post('/v1/completions', { model: MODEL, prompt: 'hi', max_tokens: 1_000_000 }).expect(400);
  });

  it('bounds the stop list and the number of messages', async () => {
    const calls = backend.requests.length;
    await post('/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stop: ['a', 'b', 'c', 'd', 'e'],
    }).expect(400);
    await post('/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stop: ['s'.repeat(257)],
    }).expect(400);
    const tooMany = Array.from({ length: 1025 }, () => ({ role: 'user', content: 'x' }));
    const big = await createTestApp({ provider: backend, env: { BODY_LIMIT_BYTES: String(1024 * 1024) } });
    try {
      const res = await request(big.getHttpServer())
        .post('/v1/chat/completions')
        .send({ model: MODEL, messages: tooMany })
        .expect(400);
      expect(res.body.error.param).toBe('messages');
    } finally {
      await big.close();
    }
    expect(backend.requests).toHaveLength(calls);
  });

  it('sends security headers on JSON responses and no framework banner', async () => {
    const res = await post('/v1/generate', { prompt: 'hi', max_tokens: 8 }).expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const error = await post('/v1/generate', {}).expect(400);
    expect(error.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps CORS off when no allow-list is configured', async () => {
    const preflight = await request(app.getHttpServer())
      .options('/v1/generate')
      .set('Origin', 'https://app.example.test')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with an allow-list', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({
      env: { CORS_ORIGINS: 'https://app.example.test, https://admin.example.test' },
      provider: new ReplayProvider(),
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('allows the listed origins only', async () => {
    const allowed = await request(app.getHttpServer())
      .options('/v1/generate')
      .set('Origin', 'https://admin.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.test');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/i);

    const other = await request(app.getHttpServer())
      .post('/v1/generate')
      .set('Origin', 'https://evil.example.test')
      .send({ prompt: 'hi', max_tokens: 8 });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
