import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';

import { startEmbeddedGateway } from './support/embedded-gateway';
import type { GatewayProcess } from './support/gateway-process';

// The Responses API and Ollama's API on the embedded llama.cpp engine (random-weights model: the text is
// noise, the counts, finish reasons, streaming and framing are real).
jest.setTimeout(60_000);

const MODEL = 'dialects-test-model';
const CONTEXT = 512;

describe('Responses and Ollama dialects on the embedded backend', () => {
  let gateway: GatewayProcess;
  let url: string;
  let ollama: Ollama;
  let sdk: OpenAI;

  beforeAll(async () => {
    gateway = await startEmbeddedGateway(MODEL, {
      EMBEDDED_CONTEXT_SIZE: String(CONTEXT),
    });
    url = gateway.baseUrl;
    ollama = new Ollama({ host: url });
    sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  describe('Ollama API', () => {
    it('chat, whole and streamed: the same text at temperature 0, counts in the done object', async () => {
      const request = {
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
        options: { num_predict: 8, temperature: 0 },
      };
      const whole = await ollama.chat(request);
      expect(whole).toMatchObject({ model: `${MODEL}:latest`, done: true, message: { role: 'assistant' } });
      expect(['stop', 'length']).toContain(whole.done_reason);
      expect(whole.eval_count).toBeGreaterThan(0);
      expect(whole.eval_count).toBeLessThanOrEqual(8);
      expect(whole.prompt_eval_count).toBeGreaterThan(0);
      expect(whole.total_duration).toBeGreaterThan(0);
      const parts = [];
      for await (const part of await ollama.chat({ ...request, stream: true })) {
        parts.push(part);
      }
      expect(parts.at(-1)).toMatchObject({ done: true, eval_count: whole.eval_count });
      expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
      expect(parts.map((p) => p.message.content).join('')).toBe(whole.message.content);
    });

    it('top_k 1 samples greedily: the text of temperature 0 at any temperature and seed', async () => {
      const generate = async (options: Record<string, number>) =>
        (
          await ollama.generate({
            model: MODEL,
            prompt: 'Once upon',
            options: { num_predict: 12, ...options },
          })
        ).response;
      const greedy = await generate({ temperature: 0 });
      const seeds = [1, 2, 3];
      const sampled = await Promise.all(seeds.map((seed) => generate({ temperature: 1.5, seed })));
      // Without the filter these settings do sample: at least one seed leaves the greedy path.
      expect(sampled.some((text) => text !== greedy)).toBe(true);
      for (const seed of seeds) {
        expect(await generate({ temperature: 1.5, seed, top_k: 1 })).toBe(greedy);
      }
      // The other samplers and the repeat penalty are taken too.
      const penalised = await ollama.generate({
        model: MODEL,
        prompt: 'Once upon',
        options: { num_predict: 4, min_p: 0.05, repeat_penalty: 1.3, repeat_last_n: 16 },
      });
      expect(penalised.done).toBe(true);
    });

    it('generate with a token limit ends with done_reason length', async () => {
      const reply = await ollama.generate({
        model: MODEL,
        prompt: 'a long story',
        options: { num_predict: 4, temperature: 0 },
      });
      expect(reply).toMatchObject({ done: true, eval_count: 4 });
      expect(reply.done_reason).toBe('length');
    });

    it('num_ctx is checked against the engine context', async () => {
      await expect(
        ollama.chat({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          options: { num_ctx: CONTEXT * 2 },
        }),
      ).rejects.toMatchObject({ name: 'ResponseError', status_code: 400 });
      const ok = await ollama.chat({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
        options: { num_ctx: CONTEXT, num_predict: 2 },
      });
      expect(ok.done).toBe(true);
    });

    it('list, show and ps describe the served model', async () => {
      expect((await ollama.list()).models.map((m) => m.name)).toEqual([`${MODEL}:latest`]);
      const shown = await ollama.show({ model: MODEL });
      expect(shown).toMatchObject({ capabilities: ['completion'] });
      expect(shown.parameters).toMatch(new RegExp(`^num_ctx\\s+${CONTEXT}$`));
      const { models } = await ollama.ps();
      expect(models).toEqual([expect.objectContaining({ name: `${MODEL}:latest`, context_length: CONTEXT })]);
    });
  });

  describe('Responses API', () => {
    it('plain and streamed give the same text at temperature 0', async () => {
      const request = { model: MODEL, input: 'hi', max_output_tokens: 6, temperature: 0 };
      const whole = await sdk.responses.create(request);
      expect(['completed', 'incomplete']).toContain(whole.status);
      expect(whole.usage?.output_tokens).toBeGreaterThan(0);
      const types: string[] = [];
      let text = '';
      for await (const event of await sdk.responses.create({ ...request, stream: true })) {
        types.push(event.type);
        if (event.type === 'response.output_text.delta') {
          text += event.delta;
        }
      }
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(['response.completed', 'response.incomplete']).toContain(types.at(-1));
      expect(text).toBe(whole.output_text);
    });

    it("the AI SDK's default provider generates text", async () => {
      const provider = createOpenAI({ baseURL: `${url}/v1`, apiKey: 'unused' });
      const result = await generateText({
        model: provider(MODEL),
        prompt: 'hi',
        maxOutputTokens: 4,
        maxRetries: 0,
      });
      expect(result.finishReason).toBe('length');
      expect(result.usage.outputTokens).toBe(4);
    });
  });
});
