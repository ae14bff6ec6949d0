import { createOpenAI } from '@ai-sdk/openai';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';
const TOKENS = ['Kubernetes', ' runs', ' containers', ' for', ' you', '.'];
const TEXT = TOKENS.join('');

/** OpenAI's documented order for a text answer, before the terminal event. */
const OPENING = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
];
const CLOSING = ['response.output_text.done', 'response.content_part.done', 'response.output_item.done'];

interface StreamEvent {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

describe('POST /v1/responses (fake Ollama upstream, real OpenAI SDK and AI SDK clients)', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;
  let sdk: OpenAI;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODEL_NAME: MODEL, ...SINGLE_ATTEMPT } });
    url = await baseUrl(app);
    sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await ollama?.stop();
    await app?.close();
  });

  const lastUpstreamBody = () => ollama.generationCalls().at(-1)?.body;

  async function streamedEvents(params: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, 'stream'>) {
    const events: StreamEvent[] = [];
    for await (const event of await sdk.responses.create({ ...params, stream: true })) {
      events.push(event as unknown as StreamEvent);
    }
    return events;
  }

  describe('with the openai SDK', () => {
    it('answers a plain request with a completed response whose output_text is the text', async () => {
      const response = await sdk.responses.create({ model: MODEL, input: 'Explain Kubernetes.' });
      expect(response).toMatchObject({
        object: 'response',
        status: 'completed',
        model: MODEL,
        store: false,
        incomplete_details: null,
        error: null,
        usage: { input_tokens: 7, output_tokens: TOKENS.length, total_tokens: 7 + TOKENS.length },
      });
      expect(response.id).toMatch(/^resp_/);
      expect(response.output_text).toBe(TEXT);
      expect(response.output).toEqual([
        {
          id: expect.stringMatching(/^msg_/),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: TEXT, annotations: [], logprobs: [] }],
        },
      ]);
      expect(lastUpstreamBody()).toMatchObject({
        messages: [{ role: 'user', content: 'Explain Kubernetes.' }],
      });
    });

    it('streams the documented event sequence, numbered, with no [DONE]', async () => {
      const events = await streamedEvents({ model: MODEL, input: 'Explain Kubernetes.' });
      expect(events.map((e) => e.type)).toEqual([
        ...OPENING,
        ...TOKENS.map(() => 'response.output_text.delta'),
        ...CLOSING,
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const deltas = events.filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.map((e) => e.delta).join('')).toBe(TEXT);
      const itemId = (events[2].item as { id: string }).id;
      expect(deltas.every((e) => e.item_id === itemId && e.output_index === 0 && e.content_index === 0)).toBe(
        true,
      );
      expect(events[0].response).toMatchObject({ status: 'in_progress', output: [] });
      expect(events.at(-1)?.response).toMatchObject({
        status: 'completed',
        output: [{ content: [{ text: TEXT }] }],
        usage: { output_tokens: TOKENS.length },
      });
    });

    it('names each SSE event after its type and sends no [DONE] sentinel', async () => {
      const res = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'Hi', stream: true }),
      });
      const text = await res.text();
      const blocks = text.split('\n\n').filter((b) => b.startsWith('event:'));
      for (const block of blocks) {
        const [eventLine, dataLine] = block.split('\n');
        expect(JSON.parse(dataLine.slice('data: '.length))).toMatchObject({
          type: eventLine.slice('event: '.length),
        });
      }
      expect(text).not.toContain('[DONE]');
    });

    it('the stream helper assembles the final response', async () => {
      const stream = sdk.responses.stream({ model: MODEL, input: 'Hi' });
      const final = await stream.finalResponse();
      expect(final.output_text).toBe(TEXT);
    });

    it('max_output_tokens cuts the answer: status incomplete with reason max_output_tokens, plain and streamed', async () => {
      const response = await sdk.responses.create({ model: MODEL, input: 'Hi', max_output_tokens: 2 });
      expect(response).toMatchObject({
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        max_output_tokens: 2,
      });
      expect(response.output_text).toBe('Kubernetes runs');
      expect(lastUpstreamBody()).toMatchObject({ options: { num_predict: 2 } });
      const events = await streamedEvents({ model: MODEL, input: 'Hi', max_output_tokens: 2 });
      expect(events.at(-1)).toMatchObject({
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      });
      expect(events.at(-2)).toMatchObject({
        type: 'response.output_item.done',
        item: { status: 'incomplete' },
      });
    });

    it('sends instructions and message items as the conversation, with sampling and text.format', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
      const response = await sdk.responses.create({
        model: MODEL,
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Answer in JSON.' },
          { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
          { role: 'assistant', content: 'Hello.' },
          { type: 'message', role: 'user', content: 'Again' },
        ],
        temperature: 0.3,
        top_p: 0.5,
        text: { format: { type: 'json_schema', name: 'reply', schema, strict: true } },
        metadata: { team: 'a' },
      });
      expect(response).toMatchObject({
        instructions: 'Be brief.',
        metadata: { team: 'a' },
        temperature: 0.3,
      });
      expect(lastUpstreamBody()).toMatchObject({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'system', content: 'Answer in JSON.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
          { role: 'user', content: 'Again' },
        ],
        format: schema,
        options: { temperature: 0.3, top_p: 0.5 },
      });
    });

    it('accepts store: true as "not stored" and says store: false', async () => {
      const response = await sdk.responses.create({ model: MODEL, input: 'Hi', store: true });
      expect(response).toMatchObject({ store: false });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['previous_response_id', { previous_response_id: 'resp_123' }, 'previous_response_id'],
      ['conversation', { conversation: 'conv_123' }, 'conversation'],
      ['a built-in tool', { tools: [{ type: 'web_search' }] }, 'tools[0]'],
      ['a file search tool', { tools: [{ type: 'file_search', vector_store_ids: ['vs'] }] }, 'tools[0]'],
      ['background', { background: true }, 'background'],
      [
        'an image input',
        { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] },
        'input[0].content',
      ],
      ['an unknown field', { frobnicate: 1 }, 'frobnicate'],
    ])('%s is a 400 naming the field, before the backend', async (_, extra, param) => {
      const calls = ollama.generationCalls().length;
      const error = await sdk.responses
        .create({ model: MODEL, input: 'Hi', ...extra } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
      expect(ollama.generationCalls()).toHaveLength(calls);
    });

    it('an unknown model is a NotFoundError in OpenAI shape', async () => {
      const error = await sdk.responses.create({ model: 'gpt-9', input: 'Hi' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('a failure after the first token ends the stream with response.failed', async () => {
      ollama.next({ kind: 'mid-stream-error', tokens: ['a', 'b'], error: 'runner crashed' });
      const events = await streamedEvents({ model: MODEL, input: 'Hi' });
      expect(events.map((e) => e.type)).toEqual([
        ...OPENING,
        'response.output_text.delta',
        'response.output_text.delta',
        'response.failed',
      ]);
      expect(events.at(-1)?.response).toMatchObject({
        status: 'failed',
        error: { code: 'upstream_protocol_error', message: expect.any(String) },
      });
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    });

    it('a function tool round trip through the Ollama backend', async () => {
      const tool = {
        type: 'function' as const,
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      };
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
      const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await sdk.responses.create({ model: MODEL, input, tools: [tool] });
      const [call] = first.output as OpenAI.Responses.ResponseFunctionToolCall[];
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
      expect(lastUpstreamBody()).toMatchObject({
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: tool.parameters } }],
      });
      const second = await sdk.responses.create({
        model: MODEL,
        tools: [tool],
        input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '20 C' }],
      });
      expect(second.output_text).toBe(TEXT);
      expect(lastUpstreamBody()).toMatchObject({
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
          },
          { role: 'tool', content: '20 C', tool_name: 'get_weather' },
        ],
      });
    });

    it('counts the route under its own label', async () => {
      await sdk.responses.create({ model: MODEL, input: 'Hi' });
      const server = app.getHttpServer();
      expect(
        await scrape(server, 'llm_gateway_requests_total', { route: '/v1/responses', outcome: 'success' }),
      ).toBeGreaterThan(0);
      expect(
        await scrape(server, 'llm_gateway_completion_tokens_total', { route: '/v1/responses', model: MODEL }),
      ).toBeGreaterThan(0);
    });
  });

  describe("with the AI SDK's default OpenAI provider (Responses API)", () => {
    const provider = () => createOpenAI({ baseURL: `${url}/v1`, apiKey: 'unused' });

    const responsesServed = () =>
      scrape(app.getHttpServer(), 'llm_gateway_requests_total', {
        route: '/v1/responses',
        outcome: 'success',
      });

    it('generateText', async () => {
      const before = await responsesServed();
      const result = await generateText({
        model: provider()(MODEL),
        prompt: 'Explain Kubernetes.',
        maxRetries: 0,
      });
      expect(result.text).toBe(TEXT);
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toMatchObject({ inputTokens: 7, outputTokens: TOKENS.length });
      expect(await responsesServed()).toBe(before + 1);
    });

    it('streamText, with a system prompt and a token limit', async () => {
      const result = streamText({
        model: provider()(MODEL),
        system: 'Be brief.',
        prompt: 'Explain Kubernetes.',
        maxOutputTokens: 3,
        maxRetries: 0,
      });
      let text = '';
      for await (const piece of result.textStream) {
        text += piece;
      }
      expect(text).toBe('Kubernetes runs containers');
      expect(await result.finishReason).toBe('length');
      expect(lastUpstreamBody()).toMatchObject({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Explain Kubernetes.' },
        ],
      });
    });
  });
});
