import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';
import { startGatewayOnFakeOllama, stopGatewayOnFakeOllama } from './support/gateway-on-fake-ollama';

const MODEL = 'qwen2.5:0.5b';

describe('OpenAI-compatible API, driven by the official openai SDK', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let client: OpenAI;

  beforeAll(async () => {
    let url: string;
    ({ ollama, app, url } = await startGatewayOnFakeOllama(MODEL, {
      env: { ...SINGLE_ATTEMPT, HEARTBEAT_INTERVAL_MS: '100', IDLE_TIMEOUT_MS: '500' },
    }));
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(() => stopGatewayOnFakeOllama({ ollama, app }));

  const lastUpstreamBody = () => ollama.generationCalls().at(-1)?.body as Record<string, unknown>;

  describe('chat completions', () => {
    it('answers in OpenAI shape and maps messages and sampling onto Ollama chat', async () => {
      ollama.next({ kind: 'tokens', tokens: ['Hi', ' there'], promptEvalCount: 9 });
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Greet me' },
        ],
        max_completion_tokens: 20,
        temperature: 0.2,
        top_p: 0.5,
        seed: 7,
        stop: 'END',
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
      });
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(MODEL);
      expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
      expect(completion.choices).toEqual([
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ]);
      expect(completion.usage).toEqual({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 });
      expect(ollama.generationCalls().at(-1)?.path).toBe('/api/chat');
      expect(lastUpstreamBody()).toMatchObject({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Greet me' },
        ],
        options: {
          num_predict: 20,
          temperature: 0.2,
          top_p: 0.5,
          seed: 7,
          stop: ['END'],
          presence_penalty: 0.5,
          frequency_penalty: -0.5,
        },
      });
    });

    it('reports finish_reason length when the token limit cut the answer', async () => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Talk' }],
        max_tokens: 2,
      });
      expect(completion.choices[0].finish_reason).toBe('length');
      expect(completion.choices[0].message.content).toBe('Kubernetes runs');
    });

    it('streams chunks, then a finish chunk, then a usage chunk when include_usage is set', async () => {
      ollama.next({ kind: 'tokens', tokens: ['A', 'B', 'C'], promptEvalCount: 4, interTokenDelayMs: 20 });
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'abc' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
      }
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === MODEL)).toBe(true);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('ABC');
      const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
      expect(finish.map((c) => c.choices[0].finish_reason)).toEqual(['stop']);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    });

    it('keeps a slow first token stream open with heartbeats the SDK ignores', async () => {
      ollama.next({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 350 });
      const { data: stream, response } = await client.chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true })
        .withResponse();
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(text).toBe('late');
    });

    it('sends no usage chunk when include_usage is not requested', async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'abc' }],
        stream: true,
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
      }
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    });

    it('passes json_object and json_schema response formats to Ollama as format', async () => {
      await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'json' }],
        response_format: { type: 'json_object' },
      });
      expect(lastUpstreamBody().format).toBe('json');
      const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
      await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'json' }],
        response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } },
      });
      expect(lastUpstreamBody().format).toEqual(schema);
    });
  });

  describe('completions', () => {
    it('answers a prompt in text_completion shape with OpenAI default of 16 tokens', async () => {
      ollama.next({ kind: 'tokens', tokens: ['4'], promptEvalCount: 3 });
      const completion = await client.completions.create({ model: MODEL, prompt: '2+2=' });
      expect(completion.id).toMatch(/^cmpl-/);
      expect(completion.object).toBe('text_completion');
      expect(completion.choices).toEqual([{ index: 0, text: '4', logprobs: null, finish_reason: 'stop' }]);
      expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
      expect(ollama.generationCalls().at(-1)?.path).toBe('/api/generate');
      expect(lastUpstreamBody()).toMatchObject({ prompt: '2+2=', options: { num_predict: 16 } });
    });

    it('streams text chunks with usage before the end', async () => {
      ollama.next({ kind: 'tokens', tokens: ['x', 'y'], promptEvalCount: 2 });
      const stream = await client.completions.create({
        model: MODEL,
        prompt: ['p'],
        max_tokens: 5,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Completions.Completion[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
      }
      expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('xy');
      expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
    });
  });

  describe('models', () => {
    it('lists the served models and retrieves one by id', async () => {
      const page = await client.models.list();
      expect(page.data).toEqual([
        { id: MODEL, object: 'model', created: expect.any(Number), owned_by: 'ollama' },
      ]);
      const model = await client.models.retrieve(MODEL);
      expect(model.id).toBe(MODEL);
    });

    it('answers an unknown model id with a NotFoundError', async () => {
      await expect(client.models.retrieve('gpt-4o')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });
  });

  describe('errors arrive as the SDK typed errors', () => {
    it('unknown model on chat is a 404 naming the model', async () => {
      const error = await client.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ status: 404, type: 'not_found_error', code: 'unknown_model' });
      expect((error as Error).message).toContain('gpt-4o');
    });

    it.each([
      ['n', { n: 2 }, 'must be 1'],
      ['logit_bias', { logit_bias: { '50256': -100 } }, 'not supported'],
      ['tools', { tools: [{ type: 'code_interpreter' }] }, 'only function tools'],
      ['logprobs', { logprobs: true }, 'log probabilities'],
      ['temperature', { temperature: 3 }, 'temperature'],
      ['stop', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      ['messages.0.role', { messages: [{ role: 'function', content: 'x' }] }, 'role must be one of'],
      [
        'messages[0].tool_call_id',
        { messages: [{ role: 'tool', content: 'x' }] },
        'tool_call_id is required',
      ],
      ['messages.0.content', { messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 'image_url'],
      ['response_format', { response_format: { type: 'json_schema' } }, 'json_schema'],
      ['max_tokens', { max_tokens: 5, max_completion_tokens: 6 }, 'disagree'],
      ['reasoning_effort', { reasoning_effort: 'high' }, 'reasoning_effort'],
      ['messages', { messages: [[]] }, 'message objects'],
      ['stream_options', { stream_options: [{ include_usage: true }] }, 'stream_options must be an object'],
    ])('rejects %s with a 400 that names the field', async (param, extra, words) => {
      const body = { model: MODEL, messages: [{ role: 'user', content: 'x' }], ...extra };
      const error = await client.chat.completions
        .create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param });
      expect((error as Error).message).toContain(words);
    });

    it('answers a body that is not JSON in OpenAI shape too', async () => {
      const res = await fetch(`${await baseUrl(app)}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"model":',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          param: null,
          code: expect.any(String),
        },
      });
    });

    it.each([
      ['prompt', { prompt: ['one', 'two'] }, 'exactly 1 string'],
      ['prompt', { prompt: [1, 2, 3] }, 'exactly 1 string'],
      ['echo', { echo: true }, 'echo'],
      ['best_of', { best_of: 3 }, 'one choice'],
    ])('completions reject %s they cannot honour (%j)', async (param, extra, words) => {
      const body = { model: MODEL, prompt: 'x', ...extra };
      const error = await client.completions
        .create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ param });
      expect((error as Error).message).toContain(words);
    });

    it('accepts fields that ask for the default behaviour', async () => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        n: 1,
        logprobs: false,
        user: 'u-1',
        metadata: { team: 'a' },
        store: false,
        parallel_tool_calls: false,
        tool_choice: 'none',
        safety_identifier: 'hashed-user-1',
        prompt_cache_key: 'support-bot',
      });
      expect(completion.choices).toHaveLength(1);
      const upstream = lastUpstreamBody();
      expect(JSON.stringify(upstream)).not.toMatch(/hashed-user-1|support-bot/);
    });

    it('names what it cannot do: predicted outputs and reasoning effort', async () => {
      for (const extra of [
        { prediction: { type: 'content', content: 'x' } },
        { reasoning_effort: 'low' },
      ] as const) {
        const error = await client.chat.completions
          .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], ...extra })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/is not supported: /);
      }
    });

    it('treats explicit nulls, as some clients send them, as "not set"', async () => {
      const body = {
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        temperature: null,
        top_p: null,
        stop: null,
        seed: null,
        max_tokens: null,
        n: null,
        logprobs: null,
        logit_bias: null,
        tools: null,
        response_format: null,
        stream_options: null,
        prediction: null,
        reasoning_effort: null,
        safety_identifier: null,
        prompt_cache_key: null,
      };
      const completion = await client.chat.completions.create(
        body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
      );
      expect(completion.choices[0].message.content).toBe('Kubernetes runs containers for you.');
      const upstream = lastUpstreamBody();
      expect(upstream.options).toEqual({ num_predict: 8192, temperature: 1 });
      expect(upstream.format).toBeUndefined();
    });

    it('an unreachable backend is a 503 APIError in OpenAI shape', async () => {
      ollama.next({ kind: 'error', status: 503, error: 'server busy, please try again.' });
      const error = await client.completions.create({ model: MODEL, prompt: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error).toMatchObject({ status: 503, type: 'api_error', code: 'upstream_busy' });
    });

    it('a mid-stream upstream error raises an APIError while iterating, after the tokens', async () => {
      ollama.next({ kind: 'mid-stream-error', tokens: ['a', 'b'], error: 'model runner crashed' });
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      const failure = await (async () => {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
        }
      })().catch((e: unknown) => e);
      expect(text).toBe('ab');
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure).toMatchObject({ code: 'upstream_protocol_error', type: 'api_error' });
    });

    it('a stream that stalls raises a timeout APIError rather than hanging or ending cleanly', async () => {
      ollama.next({ kind: 'stall', tokens: ['a'] });
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      const failure = await (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure).toMatchObject({ code: 'upstream_timeout' });
      expect((failure as Error).message).toContain('idle timeout');
    });

    it('a truncated upstream stream raises an error instead of ending cleanly', async () => {
      ollama.next({ kind: 'truncate', tokens: ['a'] });
      const stream = await client.completions.create({ model: MODEL, prompt: 'x', stream: true });
      const failure = await (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure).toMatchObject({ code: 'upstream_protocol_error' });
    });
  });

  it('leaves no request or stream counted in flight', async () => {
    const server = app.getHttpServer();
    expect(await scrape(server, 'llm_gateway_streams_in_flight', { route: '/v1/chat/completions' })).toBe(0);
    // The scrape itself is not an API call, so nothing else is in flight.
    expect(await scrape(server, 'llm_gateway_requests_in_flight')).toBe(0);
  });
});

describe('OpenAI model ids with slashes (hf.co/org/model:tag)', () => {
  const SLASHED = 'hf.co/acme/tiny-chat:q4';
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [SLASHED] }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODEL_NAME: SLASHED } });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  it('retrieves the model and chats with it by its full id', async () => {
    const client = new OpenAI({ baseURL: `${await baseUrl(app)}/v1`, apiKey: 'unused', maxRetries: 0 });
    expect((await client.models.retrieve(SLASHED)).id).toBe(SLASHED);
    const completion = await client.chat.completions.create({
      model: SLASHED,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.model).toBe(SLASHED);
    expect(ollama.generationCalls().at(-1)?.body.model).toBe(SLASHED);
  });
});
