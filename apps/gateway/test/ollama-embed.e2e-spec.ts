import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { GenerationOptions } from '@gateway/inference';
import { Ollama } from 'ollama';

import type { EmbeddingAnswer, EmbeddingCall } from '../src/ollama-api/embedder';
import { ReplayProvider } from './support/replay-provider';
import { baseUrl, createTestApp } from './support/test-app';

const CHAT_MODEL = 'qwen2.5:0.5b';
const EMBED_MODEL = 'nomic-embed-text';

/** A backend at the provider seam that also embeds: each text becomes [length, index], one token per character. */
class EmbeddingProvider extends ReplayProvider {
  readonly embedCalls: EmbeddingCall[] = [];

  embed(request: EmbeddingCall, options: GenerationOptions = {}): Promise<EmbeddingAnswer> {
    this.embedCalls.push(request);
    if (options.signal?.aborted) {
      return Promise.reject(new Error('aborted'));
    }
    const { texts } = request.input;
    return Promise.resolve({
      model: request.model,
      embeddings: texts.map((text, i) => [text.length, i]),
      promptTokens: texts.reduce((sum, text) => sum + text.length, 0),
    });
  }
}

function modelsFile(dir: string): string {
  const path = join(dir, 'models.json');
  writeFileSync(
    path,
    JSON.stringify({
      models: [
        { id: CHAT_MODEL, backendModel: CHAT_MODEL },
        { id: EMBED_MODEL, backendModel: 'nomic-embed-text:v1.5', embeddings: true },
      ],
    }),
  );
  return path;
}

describe('Ollama embedding routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-embed-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('on a backend that embeds', () => {
    const provider = new EmbeddingProvider(CHAT_MODEL);
    let app: NestExpressApplication;
    let client: Ollama;

    beforeAll(async () => {
      app = await createTestApp({ provider, env: { MODELS_FILE: modelsFile(dir) } });
      client = new Ollama({ host: await baseUrl(app) });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('embed: one vector per input, in order, with the prompt token count', async () => {
      const reply = await client.embed({ model: EMBED_MODEL, input: ['abc', 'de'] });
      expect(reply).toMatchObject({
        model: `${EMBED_MODEL}:latest`,
        embeddings: [
          [3, 0],
          [2, 1],
        ],
        prompt_eval_count: 5,
      });
      expect(reply.total_duration).toBeGreaterThan(0);
      expect(provider.embedCalls.at(-1)).toMatchObject({
        model: 'nomic-embed-text:v1.5',
        input: { kind: 'text', texts: ['abc', 'de'] },
      });
    });

    it('embed takes a single string and dimensions', async () => {
      const reply = await client.embed({ model: EMBED_MODEL, input: 'hello', dimensions: 64 });
      expect(reply.embeddings).toEqual([[5, 0]]);
      expect(provider.embedCalls.at(-1)).toMatchObject({ dimensions: 64 });
    });

    it('the legacy /api/embeddings answers one vector', async () => {
      expect(await client.embeddings({ model: EMBED_MODEL, prompt: 'hey' })).toEqual({ embedding: [3, 0] });
    });

    it('a generation model is refused with 400 before the backend', async () => {
      const calls = provider.embedCalls.length;
      await expect(client.embed({ model: CHAT_MODEL, input: 'x' })).rejects.toMatchObject({
        name: 'ResponseError',
        status_code: 400,
        error: expect.stringContaining('does not support embeddings'),
      });
      expect(provider.embedCalls).toHaveLength(calls);
    });

    it('an empty input list is refused with 400', async () => {
      await expect(client.embed({ model: EMBED_MODEL, input: [] })).rejects.toMatchObject({
        status_code: 400,
      });
    });
  });

  describe('on a backend that cannot embed', () => {
    let app: NestExpressApplication;

    beforeAll(async () => {
      app = await createTestApp({
        provider: new ReplayProvider(CHAT_MODEL),
        env: { MODELS_FILE: modelsFile(dir) },
      });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('answers 501 in Ollama shape', async () => {
      const client = new Ollama({ host: await baseUrl(app) });
      await expect(client.embed({ model: EMBED_MODEL, input: 'x' })).rejects.toMatchObject({
        status_code: 501,
        error: 'the configured backend does not compute embeddings',
      });
    });
  });
});
