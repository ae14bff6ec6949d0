import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { eventually, KeysFileFixture, newApiKey } from './support/api-keys';
import { scrape } from './support/metrics';
import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

describe('API keys', () => {
  const keysFile = new KeysFileFixture();
  const allModels = newApiKey({ id: 'team-a', name: 'Team A' });
  const otherModelOnly = newApiKey({ id: 'team-b', models: ['llama3.2:1b'] });
  const added = newApiKey({ id: 'team-c' });
  const backend = new ReplayProvider();
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([allModels.entry, otherModelOnly.entry]);
    app = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        API_KEYS_RELOAD_INTERVAL_MS: '100',
      },
      provider: backend,
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const generate = (headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).post('/v1/generate').set(headers).send({ prompt: 'hi', max_tokens: 8 });

  it('accepts a valid key as a bearer token and as x-api-key', async () => {
    await generate({ Authorization: `Bearer ${allModels.key}` }).expect(200);
    await generate({ 'x-api-key': allModels.key }).expect(200);
  });

  it('answers 401 without credentials, with a WWW-Authenticate challenge', async () => {
    const calls = backend.requests.length;
    const res = await generate().expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.error).toMatchObject({ code: 'missing_api_key' });
    expect(backend.requests).toHaveLength(calls);
  });

  it('answers 401 for an unknown key, a malformed header and a key of the wrong form', async () => {
    const unknown = newApiKey({ id: 'nobody' }).key;
    const attempts: Array<Record<string, string>> = [
      { Authorization: `Bearer ${unknown}` },
      { 'x-api-key': unknown },
      { Authorization: `Basic ${Buffer.from(`u:${allModels.key}`).toString('base64')}` },
      { Authorization: `Bearer ${allModels.key.slice(0, -1)}` },
      { Authorization: `Bearer ${allModels.entry.hash}` },
    ];
    for (const headers of attempts) {
      const res = await generate(headers).expect(401);
      expect(res.body.error.code).toMatch(/^(invalid|missing)_api_key$/);
      expect(JSON.stringify(res.body)).not.toContain(unknown);
    }
  });

  it('uses OpenAI error types on the OpenAI routes', async () => {
    const res = await request(app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer sk-gw-notakey')
      .send({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
    expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('lists and describes only the models a key may use', async () => {
    const list = (key: string) =>
      request(app.getHttpServer()).get('/v1/models').set('Authorization', `Bearer ${key}`).expect(200);
    expect((await list(allModels.key)).body.data).toEqual([expect.objectContaining({ id: MODEL })]);
    expect((await list(otherModelOnly.key)).body.data).toEqual([]);
    await request(app.getHttpServer())
      .get(`/v1/models/${MODEL}`)
      .set('Authorization', `Bearer ${otherModelOnly.key}`)
      .expect(404);
    await request(app.getHttpServer())
      .get(`/v1/models/${MODEL}`)
      .set('Authorization', `Bearer ${allModels.key}`)
      .expect(200);
  });

  it('answers 403 for a model the key may not use, before reaching the backend', async () => {
    const calls = backend.requests.length;
    const generateRes = await generate({ Authorization: `Bearer ${otherModelOnly.key}` }).expect(403);
    expect(generateRes.body.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    const chat = await request(app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${otherModelOnly.key}`)
      .send({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .expect(403);
    expect(chat.body.error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
    expect(backend.requests).toHaveLength(calls);
    const rejected = await scrape(app.getHttpServer(), 'llm_gateway_auth_rejections_total', {
      reason: 'model_not_allowed',
    });
    expect(rejected).toBe(2);
  });

  it('requires a key whatever the case of the path (Express routes ignore case)', async () => {
    const calls = backend.requests.length;
    await request(app.getHttpServer()).post('/V1/generate').send({ prompt: 'hi', max_tokens: 8 }).expect(401);
    await request(app.getHttpServer()).get('/V1/models').expect(401);
    expect(backend.requests).toHaveLength(calls);
  });

  it('leaves probes and metrics open', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).get('/metrics').expect(200);
    const ready = await request(app.getHttpServer()).get('/ready');
    expect(ready.status).not.toBe(401);
  });

  it('picks up a changed keys file and keeps the last good one when an update is malformed', async () => {
    keysFile.write([otherModelOnly.entry, added.entry]);
    await eventually(async () => {
      await generate({ Authorization: `Bearer ${added.key}` }).expect(200);
    });
    await generate({ Authorization: `Bearer ${allModels.key}` }).expect(401);

    keysFile.writeText('{"keys": [ this is not JSON');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await generate({ Authorization: `Bearer ${added.key}` }).expect(200);
  });
});

describe('API keys and a model table with aliases', () => {
  const keysFile = new KeysFileFixture();
  const smallOnly = newApiKey({ id: 'small-only', models: ['small'] });
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([smallOnly.entry]);
    const modelsFile = join(keysFile.dir, 'models.json');
    writeFileSync(
      modelsFile,
      JSON.stringify({
        models: [
          { id: 'small', backendModel: 'qwen2.5:0.5b', aliases: ['qwen-small'] },
          { id: 'large', backendModel: 'llama3.2:1b' },
        ],
      }),
    );
    app = await createTestApp({
      env: { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path, MODELS_FILE: modelsFile },
      provider: new ReplayProvider(),
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const chat = (model: string) =>
    request(app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${smallOnly.key}`)
      .send({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 });

  it('allows an allowed model by any of its names, and nothing else', async () => {
    await chat('small').expect(200);
    await chat('qwen-small').expect(200);
    await chat('large').expect(403);
  });
});

describe('API keys at start-up', () => {
  it('refuses to start with a malformed keys file, naming the file and the problem', async () => {
    const keysFile = new KeysFileFixture().writeText(
      JSON.stringify({ keys: [{ id: 'x', hash: 'md5:abc' }] }),
    );
    try {
      await expect(
        createTestApp({ env: { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path } }),
      ).rejects.toThrow(/API_KEYS_FILE .*keys\.json: keys\[0\] \(x\): "hash" must be sha256/);
    } finally {
      keysFile.remove();
    }
  });
});
