import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ollama } from 'ollama';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { KeysFileFixture, newApiKey } from './support/api-keys';
import { scrape } from './support/metrics';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';
import { startGatewayOnFakeOllama, stopGatewayOnFakeOllama } from './support/gateway-on-fake-ollama';

const MODEL = 'qwen2.5:0.5b';
const OTHER = 'llama3.2:1b';
const TOKENS = ['Kubernetes', ' runs', ' containers', ' for', ' you', '.'];

/** Reads an NDJSON body into its objects. */
async function ndjsonLines(res: Response): Promise<Array<Record<string, unknown>>> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("Ollama's native API served by the gateway (fake Ollama upstream, real `ollama` client)", () => {
  const keysFile = new KeysFileFixture();
  const team = newApiKey({ id: 'team-a' });
  const otherOnly = newApiKey({ id: 'team-b', models: [OTHER] });
  const oneCall = newApiKey({ id: 'team-c', rpm: 1 });
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;
  let client: Ollama;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL, OTHER], loaded: [MODEL, OTHER] }).start();
    keysFile.write([team.entry, otherOnly.entry, oneCall.entry]);
    const modelsFile = join(keysFile.dir, 'models.json');
    writeFileSync(
      modelsFile,
      JSON.stringify({
        models: [
          { id: MODEL, backendModel: MODEL },
          { id: OTHER, backendModel: OTHER, contextLength: 4096 },
        ],
      }),
    );
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        MODELS_FILE: modelsFile,
        AUTH_MODE: 'keys',
        API_KEYS_FILE: keysFile.path,
        ...SINGLE_ATTEMPT,
      },
    });
    url = await baseUrl(app);
    client = new Ollama({ host: url, headers: { Authorization: `Bearer ${team.key}` } });
  });

  afterAll(async () => {
    await ollama?.stop();
    await app?.close();
    keysFile.remove();
  });

  const post = (path: string, body: unknown, key = team.key) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  describe('generation', () => {
    it("reads a body as JSON whatever its Content-Type, as Ollama does for its docs' `curl -d` examples", async () => {
      const asCurlSendsIt = (path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: `Bearer ${team.key}`,
          },
          body: JSON.stringify(body),
        });
      const res = await asCurlSendsIt('/api/generate', { model: MODEL, prompt: 'Hi', stream: false });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ model: MODEL, response: TOKENS.join(''), done: true });
      // The OpenAI surface keeps to its contract: JSON bodies say so.
      const openai = await asCurlSendsIt('/v1/chat/completions', {
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(openai.status).toBe(415);
    });

    it('chat without streaming answers one object with the text, done_reason, counts and durations', async () => {
      const reply = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      expect(reply).toMatchObject({
        model: MODEL,
        message: { role: 'assistant', content: TOKENS.join('') },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 7,
        eval_count: TOKENS.length,
        load_duration: 1_000_000,
        prompt_eval_duration: 2_000_000,
        eval_duration: TOKENS.length * 1_000_000,
      });
      expect(Number.isInteger(reply.total_duration) && reply.total_duration > 0).toBe(true);
      expect(new Date(reply.created_at).getTime()).not.toBeNaN();
    });

    it('chat streamed: one chunk per token, then a single done object carrying the counters', async () => {
      const chunks = [];
      for await (const chunk of await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      })) {
        chunks.push(chunk);
      }
      expect(chunks.map((c) => c.done)).toEqual([...TOKENS.map(() => false), true]);
      expect(chunks.map((c) => c.message.content).join('')).toBe(TOKENS.join(''));
      expect(chunks.at(-1)).toMatchObject({
        done_reason: 'stop',
        eval_count: TOKENS.length,
        prompt_eval_count: 7,
      });
      expect(chunks.slice(0, -1).every((c) => c.eval_count === undefined)).toBe(true);
    });

    it('streams by default over plain HTTP, as NDJSON', async () => {
      const res = await post('/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson');
      const lines = await ndjsonLines(res);
      expect(lines).toHaveLength(TOKENS.length + 1);
      expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
    });

    it('generate, streamed and not; system and options reach the backend in its own terms', async () => {
      const whole = await client.generate({
        model: MODEL,
        prompt: 'Why?',
        system: 'Be brief.',
        options: { num_predict: 3, temperature: 0.2, top_p: 0.5, seed: 7, stop: ['\n'] },
      });
      expect(whole).toMatchObject({ model: MODEL, response: 'Kubernetes runs containers', done: true });
      expect(whole.done_reason).toBe('length');
      const upstream = ollama.generationCalls().at(-1)?.body;
      expect(upstream).toMatchObject({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Why?' },
        ],
        options: { num_predict: 3, temperature: 0.2, top_p: 0.5, seed: 7, stop: ['\n'] },
      });
      const pieces: string[] = [];
      let last;
      for await (const part of await client.generate({ model: MODEL, prompt: 'Why?', stream: true })) {
        pieces.push(part.response ?? '');
        last = part;
      }
      expect(pieces.join('')).toBe(TOKENS.join(''));
      expect(last).toMatchObject({ done: true, done_reason: 'stop', eval_count: TOKENS.length });
    });

    it("an empty generate prompt answers done_reason 'load' without a backend call", async () => {
      const calls = ollama.calls.length;
      const reply = await client.generate({ model: MODEL, prompt: '' });
      expect(reply).toMatchObject({ model: MODEL, response: '', done: true, done_reason: 'load' });
      expect(ollama.calls).toHaveLength(calls);
    });

    it("a chat with no messages answers done_reason 'load' without a backend call, as Ollama does", async () => {
      const calls = ollama.calls.length;
      const reply = await client.chat({ model: MODEL, messages: [] });
      expect(reply).toMatchObject({
        model: MODEL,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'load',
      });
      const withoutMessages = await post('/api/chat', { model: MODEL });
      expect(withoutMessages.status).toBe(200);
      expect(await withoutMessages.json()).toMatchObject({ done: true, done_reason: 'load' });
      expect(ollama.calls).toHaveLength(calls);
      // The model is still checked: an unknown one is a 404, as for any chat.
      expect((await post('/api/chat', { model: 'nope:1b', messages: [] })).status).toBe(404);
    });

    it("Ollama's top_k, min_p and repeat penalty reach Ollama, within Ollama's ranges", async () => {
      await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
        options: { top_k: 20, min_p: 0.05, repeat_penalty: 1.2, repeat_last_n: -1 },
      });
      expect(ollama.generationCalls().at(-1)?.body).toMatchObject({
        options: { top_k: 20, min_p: 0.05, repeat_penalty: 1.2, repeat_last_n: -1 },
      });
      // Each bound holds, and one step past it is refused.
      await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
        options: { top_k: 1_000_000, min_p: 1, repeat_penalty: 2, repeat_last_n: 8192 },
      });
      const calls = ollama.calls.length;
      const refused = async (options: object) => {
        const res = await post('/api/chat', {
          model: MODEL,
          messages: [{ role: 'user', content: 'Hi' }],
          options,
        });
        expect(res.status).toBe(400);
        return ((await res.json()) as { error: string }).error;
      };
      expect(await refused({ top_k: -1 })).toBe('options.top_k must not be less than 0');
      expect(await refused({ top_k: 1_000_001 })).toBe('options.top_k must not be greater than 1000000');
      expect(await refused({ min_p: -0.01 })).toBe('options.min_p must not be less than 0');
      expect(await refused({ min_p: 1.01 })).toBe('options.min_p must not be greater than 1');
      expect(await refused({ repeat_penalty: 2.01 })).toBe(
        'options.repeat_penalty must not be greater than 2',
      );
      expect(await refused({ repeat_last_n: -2 })).toBe('options.repeat_last_n must not be less than -1');
      expect(await refused({ repeat_last_n: 8193 })).toBe(
        'options.repeat_last_n must not be greater than 8192',
      );
      expect(await refused({ repeat_penalty: 'high' })).toMatch(/^options\.repeat_penalty must be a number/);
      expect(ollama.calls).toHaveLength(calls);
    });

    it('num_predict -1 (unlimited) runs up to the gateway cap; format passes through', async () => {
      await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
        format: 'json',
        options: { num_predict: -1 },
      });
      expect(ollama.generationCalls().at(-1)?.body).toMatchObject({
        format: 'json',
        options: { num_predict: 8192 },
      });
    });

    it('a failure after the first chunk ends the stream with one {"error"} line and no done object', async () => {
      ollama.next({ kind: 'mid-stream-error', tokens: ['a', 'b'], error: 'runner crashed' });
      const res = await post('/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.status).toBe(200);
      const lines = await ndjsonLines(res);
      expect(lines.slice(0, 2).map((l) => l.done)).toEqual([false, false]);
      expect(lines.at(-1)).toEqual({ error: expect.any(String) });
      expect(lines.some((l) => l.done === true)).toBe(false);
      // The client library raises it while iterating.
      ollama.next({ kind: 'mid-stream-error', tokens: ['a'], error: 'runner crashed' });
      const stream = await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      await expect(
        (async () => {
          for await (const _ of stream) {
            // drain
          }
        })(),
      ).rejects.toThrow();
    });
  });

  describe('tools', () => {
    const weather = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    };

    it('a call comes back whole with object arguments; its result goes back with tool_name', async () => {
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
      const messages = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await client.chat({ model: MODEL, messages, tools: [weather] });
      expect(first.message.tool_calls).toEqual([
        { function: { name: 'get_weather', arguments: { city: 'Paris' } } },
      ]);
      expect(first).toMatchObject({ done: true, done_reason: 'stop' });
      expect(ollama.generationCalls().at(-1)?.body).toMatchObject({ tools: [weather] });

      const second = await client.chat({
        model: MODEL,
        tools: [weather],
        messages: [
          ...messages,
          first.message,
          { role: 'tool', content: '20 C, sunny', tool_name: 'get_weather' },
        ],
      });
      expect(second.message.content).toBe(TOKENS.join(''));
      expect(ollama.generationCalls().at(-1)?.body).toMatchObject({
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
          },
          { role: 'tool', content: '20 C, sunny', tool_name: 'get_weather' },
        ],
      });
    });

    it('streamed: the call arrives in one chunk before the done object', async () => {
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
      const parts = [];
      for await (const part of await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [weather],
        stream: true,
      })) {
        parts.push(part);
      }
      const withCalls = parts.filter((part) => part.message.tool_calls?.length);
      expect(withCalls).toHaveLength(1);
      expect(withCalls[0].message.tool_calls?.[0].function).toEqual({
        name: 'get_weather',
        arguments: { city: 'Oslo' },
      });
      expect(parts.at(-1)?.done).toBe(true);
    });
  });

  describe('models', () => {
    it('list shows the models the key may use, from the model table', async () => {
      const { models } = await client.list();
      expect(models.map((m) => m.name)).toEqual([MODEL, OTHER]);
      expect(models[0]).toMatchObject({ model: MODEL, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const restricted = new Ollama({ host: url, headers: { Authorization: `Bearer ${otherOnly.key}` } });
      expect((await restricted.list()).models.map((m) => m.name)).toEqual([OTHER]);
    });

    it('show describes a served model; an unknown one is a 404 in Ollama shape', async () => {
      const shown = await client.show({ model: MODEL });
      expect(shown).toMatchObject({ capabilities: ['completion'], details: { format: 'gguf' } });
      const res = await post('/api/show', { model: 'nope' });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: expect.stringContaining("'nope'") });
    });

    it("show gives the context a model runs with as Ollama's num_ctx parameter, when the table sets one", async () => {
      // Continue and Open WebUI size their prompts from it; without one, Ollama's own default applies.
      expect((await client.show({ model: OTHER })).parameters).toMatch(/^num_ctx\s+4096$/);
      expect((await client.show({ model: MODEL })).parameters).toBe('');
    });

    it('ps lists the served models the backend has loaded, with the context the table gives them', async () => {
      const { models } = await client.ps();
      expect(models.map((m) => m.name)).toEqual([MODEL, OTHER]);
      expect(models[0]).not.toHaveProperty('context_length');
      expect(models[1]).toMatchObject({ context_length: 4096 });
    });

    it('version, GET / and HEAD / answer like Ollama; / needs no key', async () => {
      expect(await client.version()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      const root = await fetch(`${url}/`);
      expect(root.status).toBe(200);
      expect(await root.text()).toBe('Ollama is running');
      expect((await fetch(`${url}/`, { method: 'HEAD' })).status).toBe(200);
    });
  });

  describe('guardrails', () => {
    it('requires the key like every API route, and answers in Ollama error shape', async () => {
      const anonymous = new Ollama({ host: url });
      await expect(anonymous.list()).rejects.toMatchObject({ name: 'ResponseError', status_code: 401 });
      const res = await fetch(`${url}/api/tags`);
      expect(await res.json()).toEqual({ error: expect.stringContaining('authentication required') });
    });

    it('refuses a model the key may not use, before the backend', async () => {
      const calls = ollama.calls.length;
      const res = await post(
        '/api/chat',
        { model: MODEL, messages: [{ role: 'user', content: 'x' }] },
        otherOnly.key,
      );
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: expect.stringContaining(MODEL) });
      expect(ollama.calls).toHaveLength(calls);
    });

    it('applies the per-key request limit', async () => {
      const body = { model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: false };
      expect((await post('/api/chat', body, oneCall.key)).status).toBe(200);
      const limited = await post('/api/chat', body, oneCall.key);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await limited.json()).toEqual({ error: expect.any(String) });
    });

    it('rejects options it cannot honour and fields it does not know, naming them', async () => {
      const cases: Array<[object, string]> = [
        [{ options: { mirostat: 2 } }, 'options.mirostat'],
        [{ options: { num_predict: 100_000 } }, 'options.num_predict'],
        [{ tools: [{ type: 'web_search' }] }, 'tools'],
        [{ messages: [{ role: 'tool', content: 'orphan', tool_name: 'f' }] }, 'messages[0]'],
        [{ think: true }, 'think'],
        [{ bogus: 1 }, 'bogus'],
      ];
      for (const [extra, field] of cases) {
        const res = await post('/api/chat', {
          model: MODEL,
          messages: [{ role: 'user', content: 'x' }],
          ...extra,
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toContain(field);
      }
    });

    it('accepts keep_alive and the server-side options without forwarding them', async () => {
      await client.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'Hi' }],
        keep_alive: 0,
        options: { num_ctx: 4096, num_gpu: 99, num_thread: 64 },
      });
      const upstream = ollama.generationCalls().at(-1)?.body as { keep_alive?: unknown; options: object };
      expect(upstream.keep_alive).toBeUndefined();
      expect(Object.keys(upstream.options)).not.toEqual(expect.arrayContaining(['num_ctx']));
      expect(Object.keys(upstream.options)).not.toContain('num_gpu');
    });

    it.each([
      ['POST', '/api/pull'],
      ['POST', '/api/push'],
      ['POST', '/api/create'],
      ['POST', '/api/copy'],
      ['DELETE', '/api/delete'],
      ['POST', '/api/blobs/sha256:' + 'a'.repeat(64)],
      ['HEAD', '/api/blobs/sha256:' + 'a'.repeat(64)],
      ['POST', '/API/Pull/'],
    ])('%s %s is refused with 403 and never reaches the upstream, key or not', async (method, path) => {
      const calls = ollama.calls.length;
      for (const headers of [{ Authorization: `Bearer ${team.key}` }, {}] as Array<Record<string, string>>) {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { 'Content-Type': 'application/json', ...headers },
          body:
            method === 'HEAD' ? undefined : JSON.stringify({ model: MODEL, source: MODEL, destination: 'x' }),
        });
        expect(res.status).toBe(403);
        if (method !== 'HEAD') {
          expect(await res.json()).toEqual({
            error: expect.stringContaining('the gateway does not manage models'),
          });
        }
      }
      expect(ollama.calls).toHaveLength(calls);
    });

    it('refused management calls are counted, under the unmatched route', async () => {
      const labels = { route: 'unmatched', outcome: 'client_error' };
      const before = await scrape(app.getHttpServer(), 'llm_gateway_requests_total', labels);
      await post('/api/pull', { model: MODEL });
      expect(await scrape(app.getHttpServer(), 'llm_gateway_requests_total', labels)).toBe(before + 1);
    });

    it('the ollama client library reports a management call as a 403 ResponseError', async () => {
      await expect(client.pull({ model: MODEL })).rejects.toMatchObject({
        name: 'ResponseError',
        status_code: 403,
      });
      await expect(client.delete({ model: MODEL })).rejects.toMatchObject({ status_code: 403 });
    });

    it('counts the Ollama routes under their own route labels', async () => {
      await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      const server = app.getHttpServer();
      expect(
        await scrape(server, 'llm_gateway_requests_total', { route: '/api/chat', outcome: 'success' }),
      ).toBeGreaterThan(0);
      expect(
        await scrape(server, 'llm_gateway_completion_tokens_total', { route: '/api/chat', model: MODEL }),
      ).toBeGreaterThan(0);
      expect(
        await scrape(server, 'llm_gateway_requests_total', { route: '/api/tags', outcome: 'success' }),
      ).toBeGreaterThan(0);
    });
  });

  it('unknown paths under /v1/ answer 404 in OpenAI error shape; under /api/ in Ollama shape', async () => {
    const openai = await request(app.getHttpServer()).post('/v1/nope').send({});
    expect(openai.status).toBe(404);
    expect(openai.body).toEqual({
      error: { message: expect.any(String), type: 'not_found_error', param: null, code: 'not_found' },
    });
    const native = await request(app.getHttpServer()).get('/api/nope');
    expect(native.status).toBe(404);
    expect(native.body).toEqual({ error: expect.any(String) });
  });
});

describe('OLLAMA_API=off', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODEL_NAME: MODEL, OLLAMA_API: 'off' } });
  });

  afterAll(async () => {
    await ollama?.stop();
    await app?.close();
  });

  it.each([
    ['post', '/api/chat'],
    ['post', '/api/generate'],
    ['get', '/api/tags'],
    ['get', '/api/version'],
    ['post', '/api/pull'],
    ['get', '/'],
  ] as const)('%s %s answers 404 and reaches nothing', async (method, path) => {
    // (The gateway's own start-up check lists the backend's models: compare calls to this path only.)
    const before = ollama.calls.filter((call) => call.path === path).length;
    const res = await request(app.getHttpServer())[method](path).send({ model: MODEL, messages: [] });
    expect(res.status).toBe(404);
    expect(ollama.calls.filter((call) => call.path === path)).toHaveLength(before);
  });

  it('leaves the OpenAI routes alone', async () => {
    await request(app.getHttpServer()).get('/v1/models').expect(200);
  });
});

describe('Ollama routes under the gateway timeouts', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ ollama, app, url } = await startGatewayOnFakeOllama(MODEL, {
      env: { FIRST_TOKEN_TIMEOUT_MS: '600', HEARTBEAT_INTERVAL_MS: '100', ...SINGLE_ATTEMPT },
    }));
  });

  afterAll(() => stopGatewayOnFakeOllama({ ollama, app }));

  const chat = (stream: boolean) =>
    fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream }),
    });

  it('a first token that never comes is a 504 in Ollama shape', async () => {
    ollama.next({ kind: 'hang' });
    const res = await chat(false);
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ error: expect.stringContaining('first token timeout') });
  });

  it('a stream whose 200 went out before the first token ends with an error line, never done', async () => {
    ollama.next({ kind: 'hang' });
    const res = await chat(true);
    // Past one heartbeat interval the headers are sent, so the failure arrives in the body.
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = await ndjsonLines(res);
    expect(lines).toEqual([{ error: expect.stringContaining('first token timeout') }]);
  });

  it('a slow first token still streams normally once it arrives', async () => {
    ollama.next({ kind: 'tokens', tokens: ['a', 'b'], firstTokenDelayMs: 300 });
    const lines = await ndjsonLines(await chat(true));
    expect(lines.map((line) => line.done)).toEqual([false, false, true]);
  });
});
