import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { embedMany, generateObject, generateText, streamText, tool } from 'ai';
import { z } from 'zod';

import { startEmbeddedGateway } from './support/embedded-gateway';
import type { GatewayProcess } from './support/gateway-process';

// The random-weights model writes noise; every structure below comes from the gateway's grammars.
jest.setTimeout(90_000);

const MODEL = 'clients-test-model';
const verdict = z.object({ answer: z.enum(['yes', 'no']), sure: z.boolean() });

describe('real clients against the gateway on the embedded engine: Vercel AI SDK and LangChain JS', () => {
  let gateway: GatewayProcess;
  let url: string;

  beforeAll(async () => {
    gateway = await startEmbeddedGateway(MODEL, {}, 80_000);
    url = `${gateway.baseUrl}/v1`;
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  const provider = () =>
    createOpenAICompatible({
      name: 'gateway',
      baseURL: url,
      apiKey: 'unused',
      includeUsage: true,
      supportsStructuredOutputs: true,
    });

  it('AI SDK generateText and streamText get real tokens with usage', async () => {
    const result = await generateText({
      model: provider().chatModel(MODEL),
      prompt: 'Hi',
      maxOutputTokens: 8,
      maxRetries: 0,
    });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const stream = streamText({
      model: provider().chatModel(MODEL),
      prompt: 'Hi',
      maxOutputTokens: 8,
      maxRetries: 0,
    });
    expect((await stream.usage).outputTokens).toBeGreaterThan(0);
  });

  it('AI SDK generateObject gets an object that follows the zod schema', async () => {
    const { object } = await generateObject({
      model: provider().chatModel(MODEL),
      schema: verdict,
      prompt: 'Is it raining?',
      seed: 3,
      maxRetries: 0,
    });
    expect(verdict.parse(object)).toEqual(object);
  });

  it('AI SDK tools with toolChoice required get a call the SDK validates and runs', async () => {
    const result = await generateText({
      model: provider().chatModel(MODEL),
      prompt: 'Rate it',
      tools: {
        rate: tool({
          inputSchema: z.object({ stars: z.enum(['1', '2', '3']) }),
          execute: ({ stars }) => Promise.resolve(`rated ${stars}`),
        }),
      },
      toolChoice: 'required',
      seed: 4,
      maxRetries: 0,
    });
    expect(result.toolCalls.map((call) => call.toolName)).toEqual(['rate']);
    expect(result.toolResults[0].output).toMatch(/^rated [123]$/);
  });

  it('AI SDK embedMany gets one vector per value', async () => {
    const { embeddings } = await embedMany({
      model: provider().embeddingModel(MODEL),
      values: ['one', 'two'],
      maxRetries: 0,
    });
    expect(embeddings.map((vector) => vector.length)).toEqual([64, 64]);
  });

  it('LangChain withStructuredOutput (JSON schema) returns a schema-valid object', async () => {
    const chat = new ChatOpenAI({
      model: MODEL,
      apiKey: 'unused',
      configuration: { baseURL: url },
      maxRetries: 0,
    });
    const result = await chat
      .withStructuredOutput(verdict, { method: 'jsonSchema' })
      .invoke('Is it raining?');
    expect(verdict.parse(result)).toEqual(result);
  });

  it('LangChain OpenAIEmbeddings embeds documents', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: MODEL,
      apiKey: 'unused',
      configuration: { baseURL: url },
      maxRetries: 0,
    });
    const docs = await embeddings.embedDocuments(['alpha', 'beta']);
    expect(docs.map((vector) => vector.length)).toEqual([64, 64]);
  });
});
