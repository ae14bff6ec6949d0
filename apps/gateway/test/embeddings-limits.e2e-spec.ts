import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { KeysFileFixture, newApiKey } from './support/api-keys';
import { createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const MODEL = 'nomic-embed-text';

describe('/v1/embeddings under authentication and per-key token limits', () => {
  const keysFile = new KeysFileFixture();
  const key = newApiKey({ id: 'thousand-tokens', rpm: 0, tpm: 1000 });
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([key.entry]);
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        MODEL_NAME: MODEL,
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        ...SINGLE_ATTEMPT,
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
    keysFile.remove();
  });

  const embed = (auth?: string) => {
    const req = request(app.getHttpServer()).post('/v1/embeddings');
    return (auth ? req.set('Authorization', `Bearer ${auth}`) : req).send({
      model: MODEL,
      input: 'one two three',
    });
  };

  it('answers a call without a key with 401 in OpenAI shape, before Ollama is asked', async () => {
    const res = await embed().expect(401);
    expect(res.body).toMatchObject({ error: { type: 'authentication_error' } });
    expect(ollama.embedCalls()).toHaveLength(0);
  });

  it('reserves an estimate and charges the prompt tokens Ollama counted', async () => {
    // 13 characters reserve an estimated 4 input tokens (an embedding generates nothing); Ollama counts 3.
    const first = await embed(key.key).expect(200);
    expect(first.headers['x-ratelimit-remaining-tokens']).toBe(String(1000 - 4));
    expect(first.body.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const second = await embed(key.key).expect(200);
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe(String(1000 - 3 - 4));
  });
});
