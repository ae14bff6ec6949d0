import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { embed, embedMany, generateObject, generateText, streamText, tool } from 'ai';
import { z } from 'zod';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';
const city = z.object({ city: z.string() });

describe('real clients against the gateway on Ollama: Vercel AI SDK and LangChain JS', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL], embeddingLength: 12 }).start();
    app = await createTestApp({ env: { OLLAMA_HOST: ollama.url, MODEL_NAME: MODEL, ...SINGLE_ATTEMPT } });
    url = `${await baseUrl(app)}/v1`;
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  const lastUpstreamBody = () => ollama.generationCalls().at(-1)?.body as Record<string, unknown>;

  describe('Vercel AI SDK (@ai-sdk/openai-compatible)', () => {
    const provider = () =>
      createOpenAICompatible({
        name: 'gateway',
        baseURL: url,
        apiKey: 'unused',
        supportsStructuredOutputs: true,
      });

    it('generateText answers with text and usage', async () => {
      ollama.next({ kind: 'tokens', tokens: ['Hello', ' there'], promptEvalCount: 5 });
      const result = await generateText({ model: provider().chatModel(MODEL), prompt: 'Hi', maxRetries: 0 });
      expect(result.text).toBe('Hello there');
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toMatchObject({ inputTokens: 5, outputTokens: 2 });
    });

    it('streamText streams the text', async () => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c'] });
      const result = streamText({ model: provider().chatModel(MODEL), prompt: 'abc', maxRetries: 0 });
      let text = '';
      for await (const piece of result.textStream) {
        text += piece;
      }
      expect(text).toBe('abc');
    });

    it('generateText with tools gets the call, runs it and reports it', async () => {
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'weather', arguments: { city: 'Oslo' } }] });
      const result = await generateText({
        model: provider().chatModel(MODEL),
        prompt: 'Weather in Oslo?',
        tools: {
          weather: tool({
            description: 'Weather in a city',
            inputSchema: city,
            execute: ({ city: name }) => Promise.resolve(`sunny in ${name}`),
          }),
        },
        maxRetries: 0,
      });
      expect(result.finishReason).toBe('tool-calls');
      expect(result.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
        ['weather', { city: 'Oslo' }],
      ]);
      expect(result.toolResults.map((r) => r.output)).toEqual(['sunny in Oslo']);
      expect((lastUpstreamBody().tools as unknown[]).length).toBe(1);
    });

    it('streamText with tools assembles the streamed call', async () => {
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'weather', arguments: { city: 'Rome' } }] });
      const result = streamText({
        model: provider().chatModel(MODEL),
        prompt: 'Weather in Rome?',
        tools: { weather: tool({ inputSchema: city }) },
        maxRetries: 0,
      });
      const calls = await result.toolCalls;
      expect(calls.map((call) => [call.toolName, call.input])).toEqual([['weather', { city: 'Rome' }]]);
    });

    it('generateObject sends the schema as Ollama format and parses the object', async () => {
      ollama.next({ kind: 'tokens', tokens: ['{"city":', '"Oslo"}'] });
      const { object } = await generateObject({
        model: provider().chatModel(MODEL),
        schema: city,
        prompt: 'A city',
        maxRetries: 0,
      });
      expect(object).toEqual({ city: 'Oslo' });
      expect(lastUpstreamBody().format).toMatchObject({
        type: 'object',
        properties: { city: { type: 'string' } },
      });
    });

    it('embed and embedMany get vectors through /api/embed', async () => {
      const model = provider().embeddingModel(MODEL);
      const one = await embed({ model, value: 'hello', maxRetries: 0 });
      expect(one.embedding).toHaveLength(12);
      const many = await embedMany({ model, values: ['a', 'b', 'c'], maxRetries: 0 });
      expect(many.embeddings).toHaveLength(3);
      expect(many.embeddings[0]).not.toEqual(many.embeddings[1]);
    });
  });

  describe('LangChain JS (@langchain/openai)', () => {
    const chat = () =>
      new ChatOpenAI({ model: MODEL, apiKey: 'unused', configuration: { baseURL: url }, maxRetries: 0 });

    it('invoke works with named messages, as multi-agent apps send them', async () => {
      ollama.next({ kind: 'tokens', tokens: ['fine'] });
      const reply = await chat().invoke([
        new SystemMessage({ content: 'Be brief.', name: 'rules' }),
        new HumanMessage({ content: 'How are you?', name: 'alice' }),
      ]);
      expect(reply.content).toBe('fine');
    });

    it('stream yields the text', async () => {
      ollama.next({ kind: 'tokens', tokens: ['x', 'y'] });
      let text = '';
      for await (const chunk of await chat().stream('xy')) {
        text += typeof chunk.content === 'string' ? chunk.content : '';
      }
      expect(text).toBe('xy');
    });

    it('bindTools gets tool calls, and the tool result goes back to Ollama', async () => {
      const weather = langchainTool(({ city: name }: { city: string }) => `sunny in ${name}`, {
        name: 'weather',
        description: 'Weather in a city',
        schema: city,
      });
      ollama.next({ kind: 'tool_calls', calls: [{ name: 'weather', arguments: { city: 'Oslo' } }] });
      const model = chat().bindTools([weather]);
      const question = new HumanMessage('Weather in Oslo?');
      const reply = await model.invoke([question]);
      expect(reply.tool_calls?.map((call) => [call.name, call.args])).toEqual([
        ['weather', { city: 'Oslo' }],
      ]);
      const callId = reply.tool_calls?.[0].id ?? '';
      ollama.next({ kind: 'tokens', tokens: ['It is sunny.'] });
      const answer = await model.invoke([
        question,
        new AIMessage({ content: '', tool_calls: reply.tool_calls }),
        new ToolMessage({ content: 'sunny in Oslo', tool_call_id: callId }),
      ]);
      expect(answer.content).toBe('It is sunny.');
      expect((lastUpstreamBody().messages as unknown[]).at(-1)).toEqual({
        role: 'tool',
        content: 'sunny in Oslo',
        tool_name: 'weather',
      });
    });

    it('withStructuredOutput returns the parsed object', async () => {
      ollama.next({ kind: 'tokens', tokens: ['{"city":"Bergen"}'] });
      const structured = chat().withStructuredOutput(city, { method: 'jsonSchema' });
      expect(await structured.invoke('A city')).toEqual({ city: 'Bergen' });
      expect(lastUpstreamBody().format).toMatchObject({ type: 'object' });
    });

    it('withStructuredOutput through function calling is forced as a tool call', async () => {
      ollama.next({ kind: 'tokens', tokens: ['{"name":"extract","arguments":{"city":"Turku"}}'] });
      const structured = chat().withStructuredOutput(city, { method: 'functionCalling', name: 'extract' });
      expect(await structured.invoke('A city')).toEqual({ city: 'Turku' });
    });

    it('OpenAIEmbeddings embeds a query and documents', async () => {
      const embeddings = new OpenAIEmbeddings({
        model: MODEL,
        apiKey: 'unused',
        configuration: { baseURL: url },
        maxRetries: 0,
      });
      expect(await embeddings.embedQuery('hello')).toHaveLength(12);
      const docs = await embeddings.embedDocuments(['one', 'two']);
      expect(docs).toHaveLength(2);
    });
  });
});
