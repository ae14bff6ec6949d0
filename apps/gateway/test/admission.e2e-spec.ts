import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  GenerationCancelledError,
  type GenerationEvent,
  type GenerationOptions,
  type GenerationRequest,
  type InferenceProvider,
  type ModelInfo,
  type ModelStatus,
} from '@gateway/inference';
import request from 'supertest';

import { KeysFileFixture, newApiKey } from './support/api-keys';
import { baseUrl, createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

/** Generates `maxTokens` one-token deltas, one every `everyMs`, then reports exact usage. */
class CountingProvider implements InferenceProvider {
  readonly backendName = 'counting';

  constructor(private readonly everyMs = 0) {}

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    for (let i = 0; i < request.params.maxTokens; i += 1) {
      if (options.signal?.aborted) {
        throw new GenerationCancelledError('aborted');
      }
      if (this.everyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.everyMs));
      }
      yield { type: 'delta', text: 't' };
    }
    yield {
      type: 'done',
      result: {
        model: request.model,
        text: '',
        finishReason: 'length',
        usage: { promptTokens: 1, completionTokens: request.params.maxTokens },
        timings: {},
      },
    };
  }

  listModels(): Promise<ModelInfo[]> {
    return Promise.resolve([{ name: MODEL }]);
  }

  modelStatus(): Promise<ModelStatus> {
    return Promise.resolve({ reachable: true, present: true, loaded: true, available: [MODEL] });
  }
}

describe('admission: authentication first, token budgets from the typed request', () => {
  const keysFile = new KeysFileFixture();
  const thousand = newApiKey({ id: 'thousand', rpm: 0, tpm: 1000 });
  const cutter = newApiKey({ id: 'cutter', rpm: 0, tpm: 2000 });
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    keysFile.write([thousand.entry, cutter.entry]);
    app = await createTestApp({
      env: { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path },
      provider: new CountingProvider(5),
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const chat = (key: string, fields: object) =>
    request(app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .send({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...fields });

  describe('an unauthenticated caller', () => {
    it('gets its 401 before its body is parsed: a large broken body is never read as JSON', async () => {
      const broken = `{"model": "${MODEL}", "messages": [${'{},'.repeat(300_000)}`;
      const res = await request(app.getHttpServer())
        .post('/v1/chat/completions')
        .set('Content-Type', 'application/json')
        .send(broken)
        .expect(401);
      expect(res.body.error).toMatchObject({ code: 'missing_api_key', type: 'authentication_error' });
    });

    it('gets 401, not 415, for a body that is not even JSON', async () => {
      await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Content-Type', 'text/plain')
        .send('hello')
        .expect(401);
    });
  });

  describe('per-key token limits', () => {
    it('reserves the most a chat without max_tokens may generate, so it cannot slip past the limit', async () => {
      const res = await chat(thousand.key, {}).expect(429);
      expect(res.body.error).toMatchObject({ code: 'request_too_large', type: 'rate_limit_error' });
    });

    it('lets a key receive no more tokens in a minute than its limit', async () => {
      let received = 0;
      for (let i = 0; i < 10; i += 1) {
        const res = await chat(thousand.key, { max_tokens: 300 });
        if (res.status === 429) {
          break;
        }
        expect(res.status).toBe(200);
        received += (res.body as { usage: { total_tokens: number } }).usage.total_tokens;
      }
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThanOrEqual(1000);
    });

    it('charges a stream the client cut off for what it consumed, not for its reservation', async () => {
      const controller = new AbortController();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${cutter.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 1500,
          stream: true,
        }),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      let deltas = 0;
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          deltas += decoder.decode(chunk).split('"content":"t"').length - 1;
          if (deltas >= 20) {
            controller.abort();
          }
        }
      } catch {
        // the abort ends the read
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const next = await chat(cutter.key, { max_tokens: 10 }).expect(200);
      const remaining = Number(next.headers['x-ratelimit-remaining-tokens']);
      // Everything the key used before this call, whose own reservation is its input (2) + 10.
      const consumed = 2000 - 12 - remaining;
      expect(consumed).toBeGreaterThanOrEqual(20);
      // Far below the 1,500-token reservation the cut stream held, and below what it could have made.
      expect(consumed).toBeLessThan(500);
    });
  });
});
