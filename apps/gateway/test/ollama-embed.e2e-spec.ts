import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ollama } from 'ollama';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { ReplayProvider } from './support/replay-provider';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const CHAT_MODEL = 'qwen2.5:0.5b';
const EMBED_MODEL = 'nomic-embed-text';
const EMBED_BACKEND = 'nomic-embed-text:v1.5';

function writeModelsFile(dir: string): string {
  const path = join(dir, 'models.json');
  writeFileSync(
    path,
    JSON.stringify({
      models: [
        { id: CHAT_MODEL, backendModel: CHAT_MODEL },
        { id: EMBED_MODEL, backendModel: EMBED_BACKEND, embeddings: true },
      ],
    }),
  );
  return path;
}

describe("Ollama's embedding routes (fake Ollama upstream, real `ollama` client)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-embed-'));
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;
  let client: Ollama;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [CHAT_MODEL, EMBED_BACKEND] }).start();
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MODELS_FILE: writeModelsFile(dir), ...SINGLE_ATTEMPT },
    });
    url = await baseUrl(app);
    client = new Ollama({ host: url });
  });

  afterAll(async () => {
    await ollama?.stop();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('embed: one vector per input, in order, the same vectors as /v1/embeddings', async () => {
    const reply = await client.embed({ model: EMBED_MODEL, input: ['a cat', 'a dog'] });
    expect(reply).toMatchObject({ model: `${EMBED_MODEL}:latest`, prompt_eval_count: 4 });
    expect(reply.embeddings).toHaveLength(2);
    expect(reply.embeddings[0]).toHaveLength(8);
    expect(reply.embeddings[0]).not.toEqual(reply.embeddings[1]);
    expect(reply.total_duration).toBeGreaterThan(0);
    expect(ollama.embedCalls().at(-1)?.body).toMatchObject({
      model: EMBED_BACKEND,
      input: ['a cat', 'a dog'],
    });
    const sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const openai = await sdk.embeddings.create({
      model: EMBED_MODEL,
      input: ['a cat', 'a dog'],
      encoding_format: 'float',
    });
    expect(openai.data.map((d) => d.embedding)).toEqual(reply.embeddings);
  });

  it('embed takes a single string and dimensions', async () => {
    const reply = await client.embed({ model: EMBED_MODEL, input: 'hello', dimensions: 4 });
    expect(reply.embeddings).toHaveLength(1);
    expect(reply.embeddings[0]).toHaveLength(4);
  });

  it('the legacy /api/embeddings answers one vector', async () => {
    const { embedding } = await client.embeddings({ model: EMBED_MODEL, prompt: 'a cat' });
    const [batched] = (await client.embed({ model: EMBED_MODEL, input: 'a cat' })).embeddings;
    expect(embedding).toEqual(batched);
  });

  it('a generation model is refused with 400 before the backend', async () => {
    const calls = ollama.embedCalls().length;
    await expect(client.embed({ model: CHAT_MODEL, input: 'x' })).rejects.toMatchObject({
      name: 'ResponseError',
      status_code: 400,
      error: expect.stringContaining('does not support embeddings'),
    });
    expect(ollama.embedCalls()).toHaveLength(calls);
  });

  it('an empty input list is refused with 400', async () => {
    await expect(client.embed({ model: EMBED_MODEL, input: [] })).rejects.toMatchObject({ status_code: 400 });
  });

  it('counts prompt tokens under the route label', async () => {
    await client.embed({ model: EMBED_MODEL, input: 'one two three' });
    expect(
      await scrape(app.getHttpServer(), 'llm_gateway_prompt_tokens_total', {
        route: '/api/embed',
        model: EMBED_BACKEND,
      }),
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('Ollama embedding routes on a backend that cannot embed', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({ provider: new ReplayProvider(CHAT_MODEL), env: { MODEL_NAME: CHAT_MODEL } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 400 in Ollama shape', async () => {
    const client = new Ollama({ host: await baseUrl(app) });
    await expect(client.embed({ model: CHAT_MODEL, input: 'x' })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining('cannot embed'),
    });
  });
});
