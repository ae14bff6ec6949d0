import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { sampleValue } from './support/metrics';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

describe('POST /v1/embeddings on the Ollama backend (openai SDK)', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let client: OpenAI;
  let url: string;

  beforeAll(async () => {
    ollama = await new FakeOllama({
      models: ['qwen2.5:0.5b', 'nomic-embed-text'],
      embeddingLength: 16,
    }).start();
    const file = join(mkdtempSync(join(tmpdir(), 'models-')), 'models.yaml');
    writeFileSync(
      file,
      [
        'models:',
        '  - id: chat',
        '    backendModel: qwen2.5:0.5b',
        '  - id: embed',
        '    backendModel: nomic-embed-text',
        '    embeddings: true',
        '    contextLength: 2048',
      ].join('\n'),
    );
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MODELS_FILE: file, EMBEDDINGS_MAX_INPUTS: '4', ...SINGLE_ATTEMPT },
    });
    url = await baseUrl(app);
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  const lastEmbedBody = () => ollama.embedCalls().at(-1)?.body;

  it('embeds a list of strings through /api/embed, one vector per input, with usage', async () => {
    const result = await client.embeddings.create({
      model: 'embed',
      input: ['first text', 'second one here'],
      encoding_format: 'float',
    });
    expect(result.object).toBe('list');
    expect(result.model).toBe('embed');
    expect(result.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
      ['embedding', 0, 16],
      ['embedding', 1, 16],
    ]);
    expect(result.data[0].embedding).not.toEqual(result.data[1].embedding);
    expect(result.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(lastEmbedBody()).toEqual({
      model: 'nomic-embed-text',
      input: ['first text', 'second one here'],
      truncate: false,
      options: { num_ctx: 2048 },
    });
  });

  it('answers base64 as the little-endian float32 bytes of the same vector (the SDK default)', async () => {
    const floats = await client.embeddings.create({
      model: 'embed',
      input: 'same',
      encoding_format: 'float',
    });
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const decoded = await client.embeddings.create({ model: 'embed', input: 'same' });
    const expected = floats.data[0].embedding.map((x) => Math.fround(x));
    expect(decoded.data[0].embedding).toEqual(expected);
    const raw = (await (
      await fetch(`${url}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'embed', input: 'same', encoding_format: 'base64' }),
      })
    ).json()) as { data: Array<{ embedding: string }> };
    expect(typeof raw.data[0].embedding).toBe('string');
    expect(Buffer.from(raw.data[0].embedding, 'base64').length).toBe(16 * 4);
  });

  it('passes dimensions to Ollama', async () => {
    const result = await client.embeddings.create({
      model: 'embed',
      input: 'short',
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(lastEmbedBody()).toMatchObject({ dimensions: 8 });
    expect(result.data[0].embedding).toHaveLength(8);
  });

  it.each([
    [
      'a model the table does not mark as embedding',
      { model: 'chat', input: 'x' },
      'model',
      'not an embedding model',
    ],
    [
      'token arrays, which Ollama cannot embed',
      { model: 'embed', input: [[1, 2, 3]] },
      'input',
      'token arrays',
    ],
    [
      'more inputs than EMBEDDINGS_MAX_INPUTS',
      { model: 'embed', input: ['a', 'b', 'c', 'd', 'e'] },
      'input',
      'at most 4',
    ],
    ['an empty string', { model: 'embed', input: '' }, 'input', 'must not be empty'],
    [
      'an unknown encoding',
      { model: 'embed', input: 'x', encoding_format: 'int8' },
      'encoding_format',
      'base64',
    ],
  ])('rejects %s with a 400 naming the field', async (_what, body, param, words) => {
    const error = await client.embeddings
      .create(body as unknown as OpenAI.EmbeddingCreateParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param, type: 'invalid_request_error' });
    expect((error as Error).message).toContain(words);
  });

  it('answers an unknown model with a 404 in OpenAI shape', async () => {
    const error = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("maps Ollama's context-length refusal to context_length_exceeded", async () => {
    ollama.next({ kind: 'error', status: 400, error: 'the input length exceeds the context length' });
    const error = await client.embeddings.create({ model: 'embed', input: 'long' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input' });
  });

  it('counts embedding tokens under its own route label', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const labels = { route: '/v1/embeddings', model: 'nomic-embed-text' };
    expect(sampleValue(metrics, 'llm_gateway_prompt_tokens_total', labels)).toBeGreaterThan(0);
    expect(
      sampleValue(metrics, 'llm_gateway_requests_total', { route: '/v1/embeddings', outcome: 'success' }),
    ).toBeGreaterThan(0);
  });
});
