import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';
const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('OpenAI tool calls, message forms and sampling defaults on the Ollama backend (openai SDK)', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let client: OpenAI;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODEL_NAME: MODEL, ...SINGLE_ATTEMPT } });
    client = new OpenAI({ baseURL: `${await baseUrl(app)}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  const lastUpstreamBody = () => ollama.generationCalls().at(-1)?.body as Record<string, unknown>;

  it('answers a tool call with an id, JSON-string arguments and finish_reason tool_calls', async () => {
    ollama.next({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(lastUpstreamBody().tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather in a city',
          parameters: weatherTool.function.parameters,
        },
      },
    ]);
  });

  it('streams a tool call as OpenAI deltas that the SDK assembles', async () => {
    ollama.next({
      kind: 'tool_calls',
      calls: [
        { name: 'get_weather', arguments: { city: 'Oslo' } },
        { name: 'get_weather', arguments: { city: 'Bergen' } },
      ],
    });
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Oslo and Bergen?' }],
      tools: [weatherTool],
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0].message.tool_calls ?? [];
    expect(
      calls.map((call) => call.type === 'function' && [call.function.name, call.function.arguments]),
    ).toEqual([
      ['get_weather', '{"city":"Oslo"}'],
      ['get_weather', '{"city":"Bergen"}'],
    ]);
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const firstDelta = chunks[0].choices[0].delta.tool_calls?.[0];
    expect(firstDelta).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(firstDelta?.id).toMatch(/^call_/);
  });

  it('keeps only the first call when parallel_tool_calls is false', async () => {
    ollama.next({
      kind: 'tool_calls',
      calls: [
        { name: 'get_weather', arguments: { city: 'Oslo' } },
        { name: 'get_weather', arguments: { city: 'Bergen' } },
      ],
    });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      parallel_tool_calls: false,
    });
    expect(completion.choices[0].message.tool_calls).toHaveLength(1);
  });

  it('sends the tool-call history to Ollama: calls as objects, results with their function name', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Weather in Oslo?', name: 'alice' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21 C' },
      ],
      tools: [weatherTool],
    });
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
      },
      { role: 'tool', content: 'sunny, 21 C', tool_name: 'get_weather' },
    ]);
  });

  it('sends no tools when tool_choice is none', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Just talk' }],
      tools: [weatherTool],
      tool_choice: 'none',
    });
    expect(lastUpstreamBody()).not.toHaveProperty('tools');
  });

  it('forces a named call through a format schema and answers it as a tool call', async () => {
    ollama.next({ kind: 'tokens', tokens: ['{"name":"get_weather",', '"arguments":{"city":"Rome"}}'] });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(lastUpstreamBody().format).toEqual({
      type: 'object',
      properties: { name: { const: 'get_weather' }, arguments: weatherTool.function.parameters },
      required: ['name', 'arguments'],
      additionalProperties: false,
    });
    expect(lastUpstreamBody()).not.toHaveProperty('tools');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({
      function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
    });
  });

  it('accepts name on every role (multi-agent histories)', async () => {
    ollama.next({ kind: 'tokens', tokens: ['ok'] });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.', name: 'rules' },
        { role: 'user', content: 'Hi', name: 'alice' },
        { role: 'assistant', content: 'Hello', name: 'researcher' },
        { role: 'user', content: [{ type: 'text', text: 'Again' }], name: 'bob' },
      ],
    });
    expect(completion.choices[0].message.content).toBe('ok');
  });

  it('rejects image content parts with a 400 naming the field', async () => {
    const error = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('image_url');
  });

  it('rejects a tool_choice naming a function that is not offered', async () => {
    const error = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_time' } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
  });

  it("sends OpenAI's default temperature when the caller leaves it out, the caller's otherwise", async () => {
    await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(lastUpstreamBody().options).toMatchObject({ temperature: 1 });
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0,
    });
    expect(lastUpstreamBody().options).toMatchObject({ temperature: 0 });
  });
});
