import type { NestExpressApplication } from '@nestjs/platform-express';
import OpenAI from 'openai';

import { baseUrl, createTestApp } from './support/test-app';
import { ToolCallingProvider } from './support/tool-calling-provider';

const MODEL = 'qwen2.5:0.5b';
const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};

// The dialect's side of function calling: client tools and function_call / function_call_output items
// become backend-neutral tools, calls and results, and the backend's calls become function_call items.
// The backend here is a scripted tool-using model at the provider seam.
describe('POST /v1/responses with function tools (openai SDK)', () => {
  const provider = new ToolCallingProvider(MODEL);
  let app: NestExpressApplication;
  let sdk: OpenAI;

  beforeAll(async () => {
    app = await createTestApp({ provider, env: { MODEL_NAME: MODEL } });
    sdk = new OpenAI({ baseURL: `${await baseUrl(app)}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('a full round trip: the call comes back as a function_call item, its output goes back as input', async () => {
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await sdk.responses.create({ model: MODEL, input, tools: [WEATHER_TOOL] });
    expect(first.status).toBe('completed');
    expect(first.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      },
    ]);
    expect(first.tools).toEqual([expect.objectContaining({ type: 'function', name: 'get_weather' })]);
    expect(provider.requests.at(-1)?.tools).toEqual({
      definitions: [
        {
          name: 'get_weather',
          description: 'Current weather of a city',
          parameters: WEATHER_TOOL.parameters,
          strict: true,
        },
      ],
      choice: { type: 'auto' },
      parallel: true,
    });

    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await sdk.responses.create({
      model: MODEL,
      tools: [WEATHER_TOOL],
      input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '20 C, sunny' }],
    });
    expect(second.output_text).toBe('The tool said: 20 C, sunny');
    const request = provider.requests.at(-1);
    expect(request?.input).toEqual({
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', content: '20 C, sunny', toolCallId: 'call_1', toolName: 'get_weather' },
      ],
    });
  });

  it('streams a call as output_item.added, function_call_arguments.delta/.done, output_item.done', async () => {
    const events: Array<{ type: string; sequence_number: number; [key: string]: unknown }> = [];
    const stream = await sdk.responses.create({
      model: MODEL,
      input: 'Weather in Paris?',
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', name: 'get_weather' },
      stream: true,
    });
    for await (const event of stream) {
      events.push(event as unknown as (typeof events)[number]);
    }
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[2]).toMatchObject({ item: { type: 'function_call', name: 'get_weather', arguments: '' } });
    expect(events[4]).toMatchObject({ arguments: '{"city":"Paris"}', name: 'get_weather' });
    expect(events[6]).toMatchObject({
      response: { output: [{ type: 'function_call', call_id: 'call_1', arguments: '{"city":"Paris"}' }] },
    });
    expect(provider.requests.at(-1)?.tools?.choice).toEqual({ type: 'function', name: 'get_weather' });
  });

  it('the stream helper assembles the call', async () => {
    const final = await sdk.responses
      .stream({ model: MODEL, input: 'Weather?', tools: [WEATHER_TOOL] })
      .finalResponse();
    expect(final.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'get_weather' })]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an output for a call that was never made',
      { input: [{ type: 'function_call_output', call_id: 'call_x', output: 'x' }] },
      'input[0].call_id',
    ],
    [
      'call arguments that are not a JSON object',
      { input: [{ type: 'function_call', call_id: 'c', name: 'get_weather', arguments: '[1]' }] },
      'input[0].arguments',
    ],
    [
      'a tool_choice naming a missing tool',
      { tool_choice: { type: 'function', name: 'nope' } },
      'tool_choice',
    ],
    ['a built-in tool next to a function', { tools: [WEATHER_TOOL, { type: 'web_search' }] }, 'tools[1]'],
    ['a tool without a valid name', { tools: [{ type: 'function', name: 'bad name' }] }, 'tools[0].name'],
  ])('%s is a 400 naming the field', async (_, fields, param) => {
    const calls = provider.requests.length;
    const error = await sdk.responses
      .create({
        model: MODEL,
        input: 'Weather?',
        tools: [WEATHER_TOOL],
        ...fields,
      } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param });
    expect(provider.requests).toHaveLength(calls);
  });
});
