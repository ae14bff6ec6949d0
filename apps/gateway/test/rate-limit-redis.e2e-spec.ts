import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { freePort } from '../../../test/fixtures/free-port';
import { KeysFileFixture, newApiKey } from './support/api-keys';
import { scrape } from './support/metrics';
import { RedisServer } from './support/redis-server';
import { ReplayProvider, type Reply } from './support/replay-provider';
import { createTestApp } from './support/test-app';

describe('per-key limits shared through Redis by two gateway instances', () => {
  const redis = new RedisServer();
  const keysFile = new KeysFileFixture();
  const shared = newApiKey({ id: 'shared-five', rpm: 5, tpm: 0 });
  const tokens = newApiKey({ id: 'shared-tokens', rpm: 0, tpm: 100 });
  let first: NestExpressApplication;
  let second: NestExpressApplication;

  beforeAll(async () => {
    await redis.start();
    keysFile.write([shared.entry, tokens.entry]);
    const env = { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path, REDIS_URL: redis.url };
    const answer: Reply = { kind: 'tokens', tokens: ['a', 'b', 'c'], promptTokens: 5 };
    first = await createTestApp({ env, provider: new ReplayProvider().always(answer) });
    second = await createTestApp({ env, provider: new ReplayProvider().always(answer) });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis.stop();
    keysFile.remove();
  });

  const generate = (app: NestExpressApplication, key: string, maxTokens = 8) =>
    request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${key}`)
      .send({ prompt: 'hi', max_tokens: maxTokens });

  it('lets exactly the configured number of requests through across both instances', async () => {
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => generate(i % 2 === 0 ? first : second, shared.key)),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(11);
    const refusedByEach = await Promise.all(
      [first, second].map((app) =>
        scrape(app.getHttpServer(), 'llm_gateway_rate_limited_total', { reason: 'requests' }),
      ),
    );
    expect(refusedByEach[0] + refusedByEach[1]).toBe(11);
  });

  it('charges real token usage in the shared counters', async () => {
    // Reserve 61 of 100 each time, really use 8: the third call fits only if both earlier ones were
    // reconciled in Redis.
    await generate(first, tokens.key, 60).expect(200);
    await generate(first, tokens.key, 60).expect(200);
    const third = await generate(first, tokens.key, 60).expect(200);
    expect(third.headers['x-ratelimit-remaining-tokens']).toBe(String(100 - 16 - 61));
    // 24 used: another 1 + 80 does not fit, and the second instance knows it.
    const seenBySecond = await generate(second, tokens.key, 80).expect(429);
    expect(seenBySecond.body.error.code).toBe('rate_limit_exceeded');
  });
});

describe('when Redis is unreachable', () => {
  const keysFile = new KeysFileFixture();
  const key = newApiKey({ id: 'limited', rpm: 5 });

  beforeAll(() => {
    keysFile.write([key.entry]);
  });

  afterAll(() => keysFile.remove());

  it.each([
    ['open', 200],
    ['closed', 503],
  ])('fails %s, and counts the store error', async (mode, status) => {
    const app = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        RATE_LIMIT_FAIL_MODE: mode,
      },
      provider: new ReplayProvider(),
    });
    try {
      const res = await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Authorization', `Bearer ${key.key}`)
        .send({ prompt: 'hi', max_tokens: 8 })
        .expect(status);
      if (status === 503) {
        expect(res.body.error.code).toBe('rate_limit_unavailable');
      }
      expect(await scrape(app.getHttpServer(), 'llm_gateway_rate_limit_store_errors_total')).toBe(1);
    } finally {
      await app.close();
    }
  });
});
