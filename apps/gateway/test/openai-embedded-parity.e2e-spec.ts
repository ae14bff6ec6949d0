import OpenAI from 'openai';

import { startEmbeddedGateway } from './support/embedded-gateway';
import type { GatewayProcess } from './support/gateway-process';

// The generated random-weights model writes noise: whatever structure its output has comes from the
// gateway's grammar, and whatever differs between two requests comes from the sampling options.
jest.setTimeout(60_000);

const MODEL = 'parity-test-model';
const answerSchema = {
  type: 'object',
  properties: {
    answer: { type: 'string', enum: ['yes', 'no'] },
    confident: { type: 'boolean' },
    tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
  },
  required: ['answer', 'confident', 'tags'],
  additionalProperties: false,
};
const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { unit: { enum: ['celsius', 'fahrenheit'] }, days: { enum: [1, 2, 3] } },
      required: ['unit', 'days'],
    },
  },
};

describe('OpenAI parity on the embedded backend: structured output, tools, sampling, context', () => {
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    gateway = await startEmbeddedGateway(MODEL, {
      EMBEDDED_CONTEXT_SIZE: '2048',
    });
    client = new OpenAI({
      baseURL: `${gateway.baseUrl}/v1`,
      apiKey: 'unused',
      maxRetries: 0,
      timeout: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  const chat = (extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>) =>
    client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me about the weather.', name: 'alice' }],
      max_tokens: 200,
      ...extra,
    });

  it('constrains the output to a json_schema response format: it parses and follows the schema', async () => {
    for (const seed of [1, 2, 3]) {
      const completion = await chat({
        seed,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema: answerSchema, strict: true },
        },
      });
      expect(completion.choices[0].finish_reason).toBe('stop');
      const value = JSON.parse(completion.choices[0].message.content ?? '') as Record<string, unknown>;
      expect(Object.keys(value).sort()).toEqual(['answer', 'confident', 'tags']);
      expect(['yes', 'no']).toContain(value.answer);
      expect(typeof value.confident).toBe('boolean');
      expect((value.tags as unknown[]).every((tag) => tag === 'a' || tag === 'b')).toBe(true);
    }
  });

  it('constrains json_object output to JSON', async () => {
    const completion = await chat({ seed: 4, max_tokens: 400, response_format: { type: 'json_object' } });
    const text = completion.choices[0].message.content ?? '';
    expect(text.trimStart().startsWith('{')).toBe(true);
    if (completion.choices[0].finish_reason === 'stop') {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it('rejects schema features the grammar cannot enforce, naming them', async () => {
    const error = await chat({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'code',
          schema: { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } } },
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'response_format', code: 'unsupported_parameter' });
    expect((error as Error).message).toContain('pattern');
  });

  it('honours presence_penalty and frequency_penalty: the same greedy request answers differently', async () => {
    const text = async (extra: object) =>
      (await chat({ temperature: 0, max_tokens: 60, ...extra })).choices[0].message.content;
    const plain = await text({});
    expect(await text({})).toBe(plain);
    expect(await text({ presence_penalty: 2 })).not.toBe(plain);
    expect(await text({ frequency_penalty: 2 })).not.toBe(plain);
  });

  it('samples at the default temperature when none is given (not greedy), reproducibly for one seed', async () => {
    const text = async (seed: number) => (await chat({ seed, max_tokens: 40 })).choices[0].message.content;
    const [a, b, again] = [await text(11), await text(12), await text(11)];
    expect(a).not.toBe(b);
    expect(again).toBe(a);
  });

  it("answers a prompt longer than the context with OpenAI's context_length_exceeded", async () => {
    const error = await chat({ messages: [{ role: 'user', content: 'hello world '.repeat(3000) }] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      code: 'context_length_exceeded',
      param: 'messages',
      type: 'invalid_request_error',
    });
    expect((error as Error).message).toMatch(
      /maximum context length is 2048 tokens\. However, your messages resulted in \d+ tokens/,
    );
  });

  it('forces a tool call with tool_choice required: a call of an offered tool with schema-valid arguments', async () => {
    const completion = await chat({ tools: [weatherTool], tool_choice: 'required', seed: 5 });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_/);
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '') as Record<
      string,
      unknown
    >;
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect([1, 2, 3]).toContain(args.days);
  });

  it('streams a forced tool call as OpenAI tool-call deltas', async () => {
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
      seed: 6,
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
  });

  it('rejects tool_choice auto with a 400 that names the field and the backend', async () => {
    const error = await chat({ tools: [weatherTool] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'tool_choice', code: 'unsupported_parameter' });
    expect((error as Error).message).toContain('embedded backend');
  });

  describe('embeddings', () => {
    it('embeds strings and token arrays with the loaded model, with real token counts', async () => {
      const texts = await client.embeddings.create({
        model: MODEL,
        input: ['hello world', 'another text'],
        encoding_format: 'float',
      });
      expect(texts.data.map((item) => item.embedding.length)).toEqual([64, 64]);
      expect(texts.data[0].embedding).not.toEqual(texts.data[1].embedding);
      expect(texts.usage.prompt_tokens).toBeGreaterThan(2);
      expect(texts.usage.total_tokens).toBe(texts.usage.prompt_tokens);
      const again = await client.embeddings.create({
        model: MODEL,
        input: 'hello world',
        encoding_format: 'float',
      });
      expect(again.data[0].embedding).toEqual(texts.data[0].embedding);
      const tokens = await client.embeddings.create({
        model: MODEL,
        input: [[5, 6, 7]],
        encoding_format: 'float',
      });
      expect(tokens.data[0].embedding).toHaveLength(64);
      // The three tokens sent plus the BOS token the model prepends.
      expect(tokens.usage.prompt_tokens).toBe(4);
    });

    it('decodes as the same vector in base64 (the SDK default)', async () => {
      const floats = await client.embeddings.create({
        model: MODEL,
        input: 'hello',
        encoding_format: 'float',
      });
      const decoded = await client.embeddings.create({ model: MODEL, input: 'hello' });
      expect(decoded.data[0].embedding).toEqual(floats.data[0].embedding.map((x) => Math.fround(x)));
    });

    it('rejects dimensions the model cannot produce, and inputs longer than the context', async () => {
      const dims = await client.embeddings
        .create({ model: MODEL, input: 'x', dimensions: 32 })
        .catch((e: unknown) => e);
      expect(dims).toMatchObject({ status: 400, param: 'dimensions', code: 'unsupported_parameter' });
      const long = await client.embeddings
        .create({ model: MODEL, input: ['short', 'hello world '.repeat(3000)] })
        .catch((e: unknown) => e);
      expect(long).toMatchObject({ status: 400, param: 'input[1]', code: 'context_length_exceeded' });
    });
  });
});
