import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';
const BODY_LIMIT = 4096;

describe('POST /v1/generate', () => {
  let app: NestExpressApplication;
  const provider = new ReplayProvider(MODEL);

  beforeAll(async () => {
    app = await createTestApp({ provider, env: { MODEL_NAME: MODEL, BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    provider.requests.length = 0;
  });

  const post = (body: unknown) =>
    request(app.getHttpServer())
      .post('/v1/generate')
      .send(body as object);

  describe('contract', () => {
    it('answers 200 (not 201) with the generated text, the prompt, usage and finish reason', async () => {
      provider.next({ kind: 'tokens', tokens: ['Kubernetes', ' runs', ' containers.'], promptTokens: 9 });
      const res = await post({
        prompt: 'Explain Kubernetes in simple terms:',
        max_tokens: 150,
        temperature: 0.7,
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        generated_text: 'Kubernetes runs containers.',
        prompt: 'Explain Kubernetes in simple terms:',
        tokens_generated: 3,
        finish_reason: 'stop',
        model: MODEL,
        usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
        timings: { eval_ms: 3 },
      });
    });

    it('passes the sampling parameters to the backend under the configured model', async () => {
      await post({ prompt: 'Hi', max_tokens: 150, temperature: 0.2, top_p: 0.5 }).expect(200);
      expect(provider.requests).toEqual([
        {
          model: MODEL,
          input: { kind: 'prompt', prompt: 'Hi' },
          params: { maxTokens: 150, temperature: 0.2, topP: 0.5 },
        },
      ]);
    });

    it('applies the documented defaults: max_tokens 256, temperature 0.7, top_p 0.9', async () => {
      await post({ prompt: 'Hi' }).expect(200);
      expect(provider.requests[0].params).toEqual({ maxTokens: 256, temperature: 0.7, topP: 0.9 });
    });

    it("reports finish_reason 'length' when the backend hit max_tokens", async () => {
      provider.next({ kind: 'tokens', tokens: ['a', 'b'], finishReason: 'length' });
      const res = await post({ prompt: 'Hi', max_tokens: 2 }).expect(200);
      expect(res.body).toMatchObject({ finish_reason: 'length', tokens_generated: 2 });
    });

    it.each([
      ['max_tokens', 1],
      ['max_tokens', 2048],
      ['temperature', 0],
      ['temperature', 2],
      ['top_p', 0],
      ['top_p', 1],
    ])('accepts the boundary %s=%p', async (field, value) => {
      await post({ prompt: 'Hi', [field]: value }).expect(200);
    });

    it('keeps unicode intact both ways', async () => {
      provider.next({ kind: 'tokens', tokens: ['日本', '語 ', '👋'] });
      const res = await post({ prompt: 'こんにちは 👋' }).expect(200);
      expect(res.body).toMatchObject({ generated_text: '日本語 👋', prompt: 'こんにちは 👋' });
    });
  });

  describe('validation (400 validation_error naming the field; the backend is never called)', () => {
    it.each([
      ['a missing prompt', { max_tokens: 10 }, 'prompt'],
      ['an empty prompt', { prompt: '' }, 'prompt'],
      ['a numeric prompt', { prompt: 42 }, 'prompt'],
      ['a null prompt', { prompt: null }, 'prompt'],
      ['an array prompt', { prompt: ['a', 'b'] }, 'prompt'],
      ['max_tokens 0', { prompt: 'Hi', max_tokens: 0 }, 'max_tokens'],
      ['max_tokens 2049', { prompt: 'Hi', max_tokens: 2049 }, 'max_tokens'],
      ['a fractional max_tokens', { prompt: 'Hi', max_tokens: 1.5 }, 'max_tokens'],
      ['max_tokens as a string', { prompt: 'Hi', max_tokens: '150' }, 'max_tokens'],
      ['temperature 2.5', { prompt: 'Hi', temperature: 2.5 }, 'temperature'],
      ['a negative temperature', { prompt: 'Hi', temperature: -0.1 }, 'temperature'],
      ['temperature as a string', { prompt: 'Hi', temperature: '0.7' }, 'temperature'],
      ['top_p 1.5', { prompt: 'Hi', top_p: 1.5 }, 'top_p'],
      ['top_p as a boolean', { prompt: 'Hi', top_p: true }, 'top_p'],
      ['a null max_tokens (it must not lift the cap)', { prompt: 'Hi', max_tokens: null }, 'max_tokens'],
      ['a null temperature', { prompt: 'Hi', temperature: null }, 'temperature'],
      ['a null top_p', { prompt: 'Hi', top_p: null }, 'top_p'],
      ['an unknown field', { prompt: 'Hi', model_path: '/etc/passwd' }, 'model_path'],
    ])('rejects %s', async (_case, body, param) => {
      const res = await post(body).expect(400);
      expect(res.body).toEqual({
        error: {
          code: 'validation_error',
          message: expect.stringContaining(param),
          param,
          request_id: res.headers['x-request-id'],
        },
      });
      expect(provider.requests).toEqual([]);
    });

    it('lists every problem at once', async () => {
      const res = await post({ prompt: '', max_tokens: 0, temperature: 9 }).expect(400);
      const message = (res.body as { error: { message: string } }).error.message;
      expect(message).toMatch(/prompt/);
      expect(message).toMatch(/max_tokens/);
      expect(message).toMatch(/temperature/);
    });

    it('rejects a JSON body that is not an object', async () => {
      const res = await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Content-Type', 'application/json')
        .send('"just a string"')
        .expect(400);
      expect(res.body).toMatchObject({ error: { code: 'bad_request' } });
      expect(provider.requests).toEqual([]);
    });

    it('rejects a JSON array body', async () => {
      await post([{ prompt: 'Hi' }]).expect(400);
      expect(provider.requests).toEqual([]);
    });
  });

  describe('body handling', () => {
    it('answers 413 payload_too_large to a body over BODY_LIMIT_BYTES', async () => {
      const res = await post({ prompt: 'x'.repeat(BODY_LIMIT + 1) }).expect(413);
      expect(res.body).toEqual({
        error: {
          code: 'payload_too_large',
          message: 'request body is larger than the configured limit',
          request_id: res.headers['x-request-id'],
        },
      });
      expect(provider.requests).toEqual([]);
    });

    it('answers 415 to a body that is not JSON', async () => {
      const res = await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Content-Type', 'text/plain')
        .send('prompt=Hi')
        .expect(415);
      expect(res.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
    });

    it('answers 400 to malformed JSON', async () => {
      const res = await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Content-Type', 'application/json')
        .send('{"prompt": "Hi",')
        .expect(400);
      expect(res.body).toMatchObject({
        error: { code: 'bad_request', message: 'request body is not valid JSON' },
      });
    });

    it('answers 400 to a request without a body', async () => {
      const res = await request(app.getHttpServer()).post('/v1/generate').expect(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_error', param: 'prompt' } });
    });

    it('accepts application/json with a charset', async () => {
      await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ prompt: 'Hi' }))
        .expect(200);
    });
  });

  describe('other methods and paths', () => {
    it('answers 404 in our error shape to an unknown route outside /v1/', async () => {
      const res = await request(app.getHttpServer()).get('/nothing-here').expect(404);
      expect(res.body).toMatchObject({
        error: { code: 'not_found', request_id: res.headers['x-request-id'] },
      });
    });

    it("answers 404 in OpenAI's error shape to an unknown path under /v1/, where OpenAI clients call", async () => {
      const res = await request(app.getHttpServer()).post('/v1/nothing-here').expect(404);
      expect(res.body).toEqual({
        error: { message: expect.any(String), type: 'not_found_error', param: null, code: 'not_found' },
      });
    });

    it('does not serve GET /v1/generate', async () => {
      const res = await request(app.getHttpServer()).get('/v1/generate');
      expect([404, 405]).toContain(res.status);
      expect(res.body).toHaveProperty('error.code');
    });
  });
});
