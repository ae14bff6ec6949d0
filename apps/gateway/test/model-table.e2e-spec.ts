import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp } from './support/test-app';

describe('the model table (MODELS_FILE) over two Ollama endpoints', () => {
  let general: FakeOllama;
  let coding: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  const post = async (path: string, body: object) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: Record<string, unknown> } };
  };
  const chat = (model: string) =>
    post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'Hi' }] });
  const upstreamCalls = () =>
    [...general.calls, ...coding.calls].filter(
      (call) => call.path !== '/api/tags' && call.path !== '/api/ps',
    );

  beforeAll(async () => {
    general = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    coding = await new FakeOllama({ models: ['qwen2.5-coder:1.5b'] }).start();
    const file = join(mkdtempSync(join(tmpdir(), 'models-')), 'models.yaml');
    writeFileSync(
      file,
      [
        'models:',
        '  - id: chat',
        '    backendModel: qwen2.5:0.5b',
        '    aliases: [gpt-4o-mini]',
        `    endpoints: [${general.url}]`,
        '  - id: coder',
        '    backendModel: qwen2.5-coder:1.5b',
        `    endpoints: [${coding.url}]`,
      ].join('\n'),
    );
    app = await createTestApp({
      env: { OLLAMA_HOSTS: `${general.url},${coding.url}`, MODELS_FILE: file, UPSTREAM_RETRIES: '0' },
    });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await general?.stop();
    await coding?.stop();
  });

  it('lists the public ids, not the backend names', async () => {
    const res = await fetch(`${url}/v1/models`);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((model) => model.id)).toEqual(['chat', 'coder']);
  });

  it('sends each model, by id or alias, to its backend model on its own endpoints', async () => {
    expect(await chat('gpt-4o-mini')).toMatchObject({ status: 200 });
    expect(await chat('coder')).toMatchObject({ status: 200 });
    expect(general.generationCalls().map((call) => call.body.model)).toEqual(['qwen2.5:0.5b']);
    expect(coding.generationCalls().map((call) => call.body.model)).toEqual(['qwen2.5-coder:1.5b']);
  });

  it('uses the first entry for /v1/generate, which names no model, and reports its public id', async () => {
    expect(await post('/v1/generate', { prompt: 'Hi', max_tokens: 3 })).toMatchObject({
      status: 200,
      body: { model: 'chat' },
    });
    expect(general.generationCalls()).toHaveLength(2);
  });

  it('rejects models outside the table with 404 in the route error shape, without calling any upstream', async () => {
    const before = upstreamCalls().length;
    for (const model of [
      'qwen2.5:0.5b',
      '../api/pull',
      'http://evil.example:11434/api/generate',
      'chat/../../api/delete',
    ]) {
      const res = await chat(model);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ type: 'not_found_error', code: 'unknown_model' });
    }
    expect(upstreamCalls()).toHaveLength(before);
  });

  // Ollama's generation routes are the gateway's own (see ollama-api.e2e-spec); management never passes.
  it('never proxies Ollama management routes, however the path is spelled', async () => {
    const before = upstreamCalls().length;
    const attempts: [string, string][] = [
      ['POST', '/api/pull'],
      ['DELETE', '/api/delete'],
      ['POST', '/api/create'],
      ['POST', '/v1/../api/pull'],
      ['POST', '/v1/api/pull'],
      ['POST', '/%2e%2e/api/push'],
    ];
    for (const [method, path] of attempts) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'qwen2.5:0.5b' }),
      });
      // 403 where the path is a management route, 404 where it is no route at all.
      expect([403, 404]).toContain(res.status);
    }
    expect(upstreamCalls()).toHaveLength(before);
  });
});
