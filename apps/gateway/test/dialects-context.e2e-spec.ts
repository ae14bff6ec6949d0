import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ollama } from 'ollama';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const BACKEND = 'qwen2.5:0.5b';

describe("a model's configured context on the Responses and Ollama routes", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-context-'));
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let sdk: OpenAI;
  let client: Ollama;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [BACKEND] }).start();
    const file = join(dir, 'models.json');
    writeFileSync(
      file,
      JSON.stringify({ models: [{ id: 'small', backendModel: BACKEND, contextLength: 256 }] }),
    );
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODELS_FILE: file, ...SINGLE_ATTEMPT } });
    const url = await baseUrl(app);
    sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    client = new Ollama({ host: url });
  });

  afterAll(async () => {
    await ollama?.stop();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tooLong = 'word '.repeat(2000);

  it('an input too long for the context is context_length_exceeded naming input, before Ollama', async () => {
    const calls = ollama.generationCalls().length;
    const error = await sdk.responses.create({ model: 'small', input: tooLong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
    expect((error as Error).message).toContain('your input resulted in');
    expect(ollama.generationCalls()).toHaveLength(calls);
  });

  it('a generate prompt too long for the context is a 400 that speaks of the prompt', async () => {
    await expect(client.generate({ model: 'small', prompt: tooLong })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining('your prompt resulted in'),
    });
  });

  it('num_ctx up to the configured context is accepted and the model runs with its own; beyond it is a 400', async () => {
    await client.chat({
      model: 'small',
      messages: [{ role: 'user', content: 'Hi' }],
      options: { num_ctx: 128 },
    });
    expect(ollama.generationCalls().at(-1)?.body.options).toMatchObject({ num_ctx: 256 });
    await expect(
      client.chat({ model: 'small', messages: [{ role: 'user', content: 'Hi' }], options: { num_ctx: 257 } }),
    ).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining('options.num_ctx must be at most 256'),
    });
  });
});
