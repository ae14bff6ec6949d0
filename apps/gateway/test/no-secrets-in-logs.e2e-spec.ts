import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { eventually, KeysFileFixture, newApiKey } from './support/api-keys';
import { ReplayProvider } from './support/replay-provider';
import { LogCapture } from './support/log-capture';
import { createTestApp } from './support/test-app';

describe('key material never reaches logs, metrics or error bodies', () => {
  const keysFile = new KeysFileFixture();
  const owner = newApiKey({ id: 'team-a', models: ['qwen2.5:0.5b'], rpm: 3 });
  const narrow = newApiKey({ id: 'team-b', models: ['llama3.2:1b'] });
  const unknown = newApiKey({ id: 'never-registered' });
  const logs = new LogCapture();
  const bodies: string[] = [];
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([owner.entry, narrow.entry]);
    app = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        API_KEYS_RELOAD_INTERVAL_MS: '100',
        LOG_LEVEL: 'trace',
      },
      provider: new ReplayProvider(),
      customise: logs.into,
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const call = async (path: string, headers: Record<string, string>, body: object, status: number) => {
    const res = await request(app.getHttpServer()).post(path).set(headers).send(body);
    expect(res.status).toBe(status);
    bodies.push(JSON.stringify(res.headers), res.text);
  };

  it('logs requests with valid, unknown, misplaced and refused keys without the key or its hash', async () => {
    const prompt = { prompt: 'hi', max_tokens: 8 };
    await call('/v1/generate', { Authorization: `Bearer ${owner.key}` }, prompt, 200);
    await call('/v1/generate', { 'x-api-key': owner.key }, prompt, 200);
    await call('/v1/generate', { Authorization: `Bearer ${unknown.key}` }, prompt, 401);
    await call('/v1/generate', { 'x-api-key': unknown.key }, prompt, 401);
    await call(`/v1/generate?api_key=${owner.key}`, {}, prompt, 401);
    await call('/v1/generate', { Authorization: `Bearer ${narrow.key}` }, prompt, 403);
    // A prompt holding a key: /v1/generate echoes prompts by design, so only the logs are checked here.
    await request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${owner.key}`)
      .send({ prompt: owner.key, max_tokens: 8 })
      .expect(200);
    await call('/v1/generate', { Authorization: `Bearer ${owner.key}` }, prompt, 429);
    await call(
      '/v1/chat/completions',
      { Authorization: `Bearer ${unknown.key}` },
      { model: 'qwen2.5:0.5b', messages: [{ role: 'user', content: 'hi' }] },
      401,
    );
    keysFile.writeText(`{"keys": [{"id": "broken", "hash": "${owner.entry.hash}", "oops": `);
    await eventually(() => {
      expect(logs.text).toContain(
        'update refused, the 2 keys and 0 JWT subjects loaded before stay in force',
      );
      return Promise.resolve();
    });
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);

    // The capture works: request lines and the key ids are there.
    expect(logs.text).toContain('POST /v1/generate 200');
    expect(logs.text).toContain('POST /v1/generate 401');
    expect(logs.text).toContain('team-b');
    for (const secret of [owner.key, unknown.key, narrow.key]) {
      expect(logs.text).not.toContain(secret);
      expect(metrics.text).not.toContain(secret);
      expect(bodies.join('\n')).not.toContain(secret);
    }
    for (const hash of [owner.entry.hash, narrow.entry.hash]) {
      const hex = hash.slice('sha256:'.length);
      expect(logs.text).not.toContain(hex);
      expect(metrics.text).not.toContain(hex);
      expect(bodies.join('\n')).not.toContain(hex);
    }
    // No part of a key either (a masked key with a few characters shown still narrows it down).
    expect(logs.text).not.toContain(owner.key.slice(6, 16));
  });
});
