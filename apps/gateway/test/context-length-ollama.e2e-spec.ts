import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

describe('context length on the Ollama backend (model table contextLength, MODEL_CONTEXT_LENGTH)', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let client: OpenAI;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b', 'llama3.2:1b'] }).start();
    const file = join(mkdtempSync(join(tmpdir(), 'models-')), 'models.yaml');
    writeFileSync(
      file,
      [
        'models:',
        '  - id: small',
        '    backendModel: qwen2.5:0.5b',
        '    contextLength: 256',
        '  - id: roomy',
        '    backendModel: llama3.2:1b',
      ].join('\n'),
    );
    app = await createTestApp({
      env: { OLLAMA_HOST: ollama.url, MODELS_FILE: file, MODEL_CONTEXT_LENGTH: '8192', ...SINGLE_ATTEMPT },
    });
    client = new OpenAI({ baseURL: `${await baseUrl(app)}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  const lastOptions = () => ollama.generationCalls().at(-1)?.body.options as Record<string, unknown>;

  it("sends each model's context as num_ctx: its own row, else MODEL_CONTEXT_LENGTH", async () => {
    await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'Hi' }] });
    expect(lastOptions()).toMatchObject({ num_ctx: 256 });
    await client.chat.completions.create({ model: 'roomy', messages: [{ role: 'user', content: 'Hi' }] });
    expect(lastOptions()).toMatchObject({ num_ctx: 8192 });
  });

  it('bounds max_tokens by what the prompt leaves of the context', async () => {
    // 40 characters: an estimated 10 prompt tokens, so at most 246 of the 256 remain for the answer.
    await client.chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
      max_tokens: 1000,
    });
    expect(lastOptions()).toMatchObject({ num_predict: 246, num_ctx: 256 });
  });

  it("answers a prompt too long for the context with OpenAI's context_length_exceeded, before calling Ollama", async () => {
    const before = ollama.generationCalls().length;
    const error = await client.chat.completions
      .create({ model: 'small', messages: [{ role: 'user', content: 'word '.repeat(400) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect((error as Error).message).toContain("This model's maximum context length is 256 tokens");
    expect(ollama.generationCalls()).toHaveLength(before);
  });

  it('reports the prompt field on the completions route', async () => {
    const error = await client.completions
      .create({ model: 'small', prompt: 'word '.repeat(400) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'prompt' });
  });
});
