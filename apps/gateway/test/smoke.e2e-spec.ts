import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { createTestApp } from './support/test-app';

describe('gateway against a fake Ollama over the network', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url } });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('generates through the real OllamaService and counts the tokens', async () => {
    ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c'], doneReason: 'stop', promptEvalCount: 4 });
    const res = await request(app.getHttpServer())
      .post('/v1/generate')
      .send({ prompt: 'Explain Kubernetes in simple terms:', max_tokens: 150, temperature: 0.7 })
      .expect(200);
    expect(res.body).toMatchObject({
      generated_text: 'abc',
      prompt: 'Explain Kubernetes in simple terms:',
      tokens_generated: 3,
      finish_reason: 'stop',
      model: 'qwen2.5:0.5b',
    });
    const labels = { model: 'qwen2.5:0.5b', route: '/v1/generate' };
    expect(await scrape(app.getHttpServer(), 'llm_gateway_completion_tokens_total', labels)).toBe(3);
    expect(await scrape(app.getHttpServer(), 'llm_gateway_prompt_tokens_total', labels)).toBe(4);
  });
});
