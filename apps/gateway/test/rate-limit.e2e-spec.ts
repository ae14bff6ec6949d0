import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { KeysFileFixture, newApiKey } from './support/api-keys';
import { scrape } from './support/metrics';
import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

describe('per-key limits in memory', () => {
  const keysFile = new KeysFileFixture();
  const requestsKey = newApiKey({ id: 'three-a-minute', rpm: 3, tpm: 0 });
  const tokensKey = newApiKey({ id: 'hundred-tokens', rpm: 0, tpm: 100 });
  const refundKey = newApiKey({ id: 'refund', rpm: 0, tpm: 100 });
  const defaultsKey = newApiKey({ id: 'defaults' });
  // 5 prompt tokens + 3 generated = 8 real tokens per call.
  const backend = new ReplayProvider().always({ kind: 'tokens', tokens: ['a', 'b', 'c'], promptTokens: 5 });
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([requestsKey.entry, tokensKey.entry, refundKey.entry, defaultsKey.entry]);
    app = await createTestApp({
      env: { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path, RATE_LIMIT_RPM: '7', RATE_LIMIT_TPM: '5000' },
      provider: backend,
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const generate = (key: string, body: object = { prompt: 'hi', max_tokens: 60 }) =>
    request(app.getHttpServer()).post('/v1/generate').set('Authorization', `Bearer ${key}`).send(body);

  it('lets through the configured requests per minute, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i += 1) {
      const ok = await generate(requestsKey.key).expect(200);
      expect(ok.headers['x-ratelimit-limit-requests']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining-requests']).toBe(String(2 - i));
      expect(ok.headers['x-ratelimit-reset-requests']).toMatch(/^\d+s$/);
    }
    const refused = await generate(requestsKey.key).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded' });
    const counted = await scrape(app.getHttpServer(), 'llm_gateway_rate_limited_total', {
      reason: 'requests',
    });
    expect(counted).toBe(1);
  });

  it('answers 429 in OpenAI shape on the OpenAI routes', async () => {
    const res = await request(app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${requestsKey.key}`)
      .send({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 })
      .expect(429);
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('reserves input/4 + max_tokens, then charges only the tokens really used', async () => {
    // Each call reserves 1 + 60 = 61 of 100 tokens and really uses 8: only reconciliation lets
    // the second and third calls in.
    const first = await generate(tokensKey.key).expect(200);
    expect(first.headers['x-ratelimit-remaining-tokens']).toBe('39');
    const second = await generate(tokensKey.key).expect(200);
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe(String(100 - 8 - 61));
    await generate(tokensKey.key).expect(200);
    // 3 x 8 used; 80 / 4 + 60 = 80 more does not fit in 100.
    const tooMuch = await generate(tokensKey.key, { prompt: 'x'.repeat(80), max_tokens: 60 }).expect(429);
    expect(tooMuch.body.error.code).toBe('rate_limit_exceeded');
    expect(tooMuch.headers['retry-after']).toBeDefined();
  });

  it('refuses outright a call that could never fit in the key tokens per minute', async () => {
    const res = await generate(tokensKey.key, { prompt: 'hi', max_tokens: 500 }).expect(429);
    expect(res.body.error.code).toBe('request_too_large');
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('gives the reservation back when the call fails before generating', async () => {
    await generate(refundKey.key, { prompt: 'hi', max_tokens: 90, temperature: 'hot' }).expect(400);
    const ok = await generate(refundKey.key, { prompt: 'hi', max_tokens: 90 }).expect(200);
    expect(ok.headers['x-ratelimit-remaining-tokens']).toBe(String(100 - 91));
  });

  it('applies RATE_LIMIT_RPM and RATE_LIMIT_TPM to keys without their own limits', async () => {
    const res = await generate(defaultsKey.key).expect(200);
    expect(res.headers['x-ratelimit-limit-requests']).toBe('7');
    expect(res.headers['x-ratelimit-limit-tokens']).toBe('5000');
  });
});

describe('per-key token reservations of streams that fail after their 200', () => {
  const keysFile = new KeysFileFixture();
  const key = newApiKey({ id: 'stream-refund', rpm: 0, tpm: 100 });
  const backend = new ReplayProvider(MODEL);
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([key.entry]);
    app = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        MODEL_NAME: MODEL,
        HEARTBEAT_INTERVAL_MS: '100',
        FIRST_TOKEN_TIMEOUT_MS: '300',
      },
      provider: backend,
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  it('gives the reservation back when a heartbeat-started stream fails before any token', async () => {
    backend.next({ kind: 'hang' });
    const stream = await request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ prompt: 'hi', max_tokens: 90, stream: true })
      .expect(200);
    expect(stream.text).toContain('event: error');
    expect(stream.text).toContain('upstream_timeout');
    // 1 + 90 reserved for the failed stream would leave no room for this call if it were kept.
    await request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ prompt: 'hi', max_tokens: 90 })
      .expect(200);
  });
});
