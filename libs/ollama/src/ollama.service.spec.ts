import { collectStream } from '@gateway/inference';
import { failureOf } from '../../../test/fixtures/failure-of';
import { FakeOllama, type Scenario } from '../../../test/fixtures/fake-ollama';
import { freePort } from '../../../test/fixtures/free-port';
import {
  ContextLengthExceededError,
  GenerationCancelledError,
  InferenceError,
  ModelNotFoundError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import type { GenerationEvent, GenerationRequest, SamplingParams } from '@gateway/inference';
import { OllamaService } from './ollama.service';

const MODEL = 'qwen2.5:0.5b';

function promptRequest(params: Partial<SamplingParams> = {}, model = MODEL): GenerationRequest {
  return {
    model,
    input: { kind: 'prompt', prompt: 'Explain Kubernetes' },
    params: { maxTokens: 64, ...params },
  };
}

async function drain(events: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const seen: GenerationEvent[] = [];
  for await (const event of events) {
    seen.push(event);
  }
  return seen;
}

describe('OllamaService against a fake Ollama over 127.0.0.1', () => {
  let ollama: FakeOllama;
  let service: OllamaService;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL, 'llama3'], loaded: [MODEL] }).start();
    service = new OllamaService(ollama.url);
  });

  afterAll(async () => {
    await service?.onApplicationShutdown();
    await ollama?.stop();
  });

  beforeEach(() => {
    ollama.calls.length = 0;
    ollama.always(undefined);
  });

  describe('successful generations', () => {
    it('streams each token as a delta, then one done event with usage and timings', async () => {
      ollama.next({ kind: 'tokens', tokens: ['Hel', 'lo', '!'], doneReason: 'stop', promptEvalCount: 5 });
      const events = await drain(service.stream(promptRequest()));
      expect(events.slice(0, 3)).toEqual([
        { type: 'delta', text: 'Hel' },
        { type: 'delta', text: 'lo' },
        { type: 'delta', text: '!' },
      ]);
      expect(events).toHaveLength(4);
      expect(events[3]).toEqual({
        type: 'done',
        result: {
          model: MODEL,
          text: '',
          finishReason: 'stop',
          usage: { promptTokens: 5, completionTokens: 3 },
          timings: { loadMs: 1, promptEvalMs: 2, evalMs: 3 },
        },
      });
    });

    it('generate() joins the text and reports the same result', async () => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b'], doneReason: 'stop', promptEvalCount: 4 });
      await expect(collectStream(service.stream(promptRequest()))).resolves.toMatchObject({
        text: 'ab',
        finishReason: 'stop',
        usage: { promptTokens: 4, completionTokens: 2 },
      });
    });

    it("takes finish_reason 'length' from done_reason", async () => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c', 'd'], doneReason: 'length' });
      const result = await collectStream(service.stream(promptRequest({ maxTokens: 10 })));
      expect(result.finishReason).toBe('length');
    });

    it("keeps 'stop' when the answer ended naturally at exactly max_tokens", async () => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b'], doneReason: 'stop' });
      const result = await collectStream(service.stream(promptRequest({ maxTokens: 2 })));
      expect(result.finishReason).toBe('stop');
    });

    it('reads the counters Ollama omits when they are zero as 0', async () => {
      ollama.next({ kind: 'tokens', tokens: [], doneReason: 'stop', promptEvalCount: 0 });
      const result = await collectStream(service.stream(promptRequest()));
      expect(result.text).toBe('');
      expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
      expect(result.timings.evalMs).toBeUndefined();
      expect(result.timings.promptEvalMs).toBeUndefined();
    });

    it('waits for a slow first token (a cold load) without failing', async () => {
      ollama.next({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 150 });
      await expect(collectStream(service.stream(promptRequest()))).resolves.toMatchObject({ text: 'late' });
    });

    it('sends a prompt to /api/generate with streaming on and every sampling option under its Ollama name', async () => {
      ollama.next({ kind: 'tokens', tokens: ['x'] });
      await collectStream(
        service.stream(
          promptRequest({
            maxTokens: 150,
            temperature: 0.7,
            topP: 0.9,
            seed: 42,
            stop: ['\n\n', 'END'],
            presencePenalty: 0.5,
            frequencyPenalty: -0.5,
            format: 'json',
          }),
        ),
      );
      const [call] = ollama.generationCalls();
      expect(call.path).toBe('/api/generate');
      expect(call.body).toMatchObject({
        model: MODEL,
        prompt: 'Explain Kubernetes',
        stream: true,
        format: 'json',
      });
      expect(call.body.options).toEqual({
        num_predict: 150,
        temperature: 0.7,
        top_p: 0.9,
        seed: 42,
        stop: ['\n\n', 'END'],
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
      });
    });

    it('sends only num_predict and the default temperature when nothing else is set, and no empty stop list', async () => {
      ollama.next({ kind: 'tokens', tokens: ['x'] });
      await collectStream(service.stream(promptRequest({ maxTokens: 8, stop: [] })));
      expect(ollama.generationCalls()[0].body.options).toEqual({ num_predict: 8, temperature: 1 });
    });

    it('passes a JSON schema as the format', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
      ollama.next({ kind: 'tokens', tokens: ['{}'] });
      await collectStream(service.stream(promptRequest({ format: schema })));
      expect(ollama.generationCalls()[0].body.format).toEqual(schema);
    });

    it('sends a conversation to /api/chat with its messages and reads message deltas', async () => {
      ollama.next({ kind: 'tokens', tokens: ['Hi', ' there'], doneReason: 'stop' });
      const messages = [
        { role: 'system' as const, content: 'Be brief.' },
        { role: 'user' as const, content: 'Hello' },
      ];
      const result = await collectStream(
        service.stream({
          model: MODEL,
          input: { kind: 'chat', messages },
          params: { maxTokens: 16 },
        }),
      );
      expect(result).toMatchObject({
        text: 'Hi there',
        finishReason: 'stop',
        usage: { completionTokens: 2 },
      });
      const [call] = ollama.generationCalls();
      expect(call.path).toBe('/api/chat');
      expect(call.body).toMatchObject({ model: MODEL, messages, stream: true, options: { num_predict: 16 } });
    });

    it('accepts an untagged model name and reports the tagged name Ollama answers with', async () => {
      ollama.next({ kind: 'tokens', tokens: ['ok'] });
      const result = await collectStream(service.stream(promptRequest({}, 'llama3')));
      expect(ollama.generationCalls()[0].body.model).toBe('llama3');
      expect(result.model).toBe('llama3:latest');
    });
  });

  describe('upstream failures become domain errors', () => {
    it('404 (model not pulled) -> ModelNotFoundError naming the model', async () => {
      const error = await failureOf(
        collectStream(service.stream(promptRequest({}, 'mistral:7b'))),
        InferenceError,
      );
      expect(error).toBeInstanceOf(ModelNotFoundError);
      expect((error as ModelNotFoundError).model).toBe('mistral:7b');
    });

    it.each<[Scenario, new (...args: never[]) => InferenceError]>([
      [{ kind: 'error', status: 400, error: 'invalid options' }, UpstreamRejectedError],
      [
        {
          kind: 'error',
          status: 503,
          error: 'server busy, please try again.  maximum pending requests exceeded',
        },
        UpstreamBusyError,
      ],
      [{ kind: 'error', status: 429, error: 'too many requests' }, UpstreamBusyError],
      [{ kind: 'error', status: 500, error: 'llama runner process has terminated' }, UpstreamServerError],
      [{ kind: 'error', status: 499, error: 'client cancelled' }, GenerationCancelledError],
      [{ kind: 'error', status: 404, error: "model 'x' not found" }, ModelNotFoundError],
    ])('%j -> %p', async (scenario, expected) => {
      ollama.next(scenario);
      expect(await failureOf(collectStream(service.stream(promptRequest())), InferenceError)).toBeInstanceOf(
        expected,
      );
    });

    it("keeps Ollama's reason out of the message (it is the cause, for the logs)", async () => {
      ollama.next({ kind: 'error', status: 400, error: 'invalid format: expected "json" or a JSON schema' });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error.message).toBe('the inference backend rejected the request');
      expect(String(error.cause)).toContain('status 400: invalid format');
    });

    it('a bare-text 403 (Host check of a loopback Ollama) -> a domain error, not a crash', async () => {
      ollama.next({ kind: 'error', status: 403, bareText: 'Forbidden' });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error).toBeInstanceOf(UpstreamServerError);
      expect(error.message).toBe('the inference backend failed');
      expect(String(error.cause)).toContain('status 403: Forbidden');
    });

    it('an error line mid-stream -> UpstreamProtocolError, never a success', async () => {
      ollama.next({
        kind: 'mid-stream-error',
        tokens: ['par', 'tial'],
        error: 'an error was encountered while running the model',
      });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error).toBeInstanceOf(UpstreamProtocolError);
      expect(error.message).toBe('the inference backend failed mid-stream');
      expect(String(error.cause)).toContain('an error was encountered while running the model');
    });

    it('the deltas before a mid-stream error still reach the consumer, then the error', async () => {
      ollama.next({ kind: 'mid-stream-error', tokens: ['par', 'tial'], error: 'boom' });
      const seen: string[] = [];
      const consume = async () => {
        for await (const event of service.stream(promptRequest())) {
          seen.push(event.type === 'delta' ? event.text : 'done');
        }
      };
      await expect(consume()).rejects.toBeInstanceOf(UpstreamProtocolError);
      expect(seen).toEqual(['par', 'tial']);
    });

    it('a prompt over the context length fails when iterated, before anything is sent', async () => {
      const request = { ...promptRequest(), input: { kind: 'prompt' as const, prompt: 'word '.repeat(400) } };
      const events = service.stream({ ...request, contextLength: 64 });
      expect(await failureOf(drain(events), InferenceError)).toBeInstanceOf(ContextLengthExceededError);
      expect(ollama.generationCalls()).toEqual([]);
    });

    it('a stream that ends without done -> UpstreamProtocolError', async () => {
      ollama.next({ kind: 'truncate', tokens: ['a', 'b'] });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error).toBeInstanceOf(UpstreamProtocolError);
      expect(error.message).toMatch(/ended before/);
    });

    it('connection refused -> UpstreamUnavailableError', async () => {
      const down = new OllamaService(`http://127.0.0.1:${await freePort()}`);
      try {
        expect(await failureOf(collectStream(down.stream(promptRequest())), InferenceError)).toBeInstanceOf(
          UpstreamUnavailableError,
        );
        expect(await failureOf(down.listModels(), InferenceError)).toBeInstanceOf(UpstreamUnavailableError);
      } finally {
        await down.onApplicationShutdown();
      }
    });
  });

  describe('cancellation', () => {
    it('aborting the signal mid-stream -> GenerationCancelledError, and Ollama sees its client go', async () => {
      ollama.next({ kind: 'stall', tokens: ['first'] });
      const controller = new AbortController();
      const consume = async () => {
        for await (const event of service.stream(promptRequest(), { signal: controller.signal })) {
          if (event.type === 'delta') {
            controller.abort();
          }
        }
      };
      await expect(consume()).rejects.toBeInstanceOf(GenerationCancelledError);
      await ollama.waitForClientGone(0, 2000);
    });

    it('aborting while Ollama has not answered yet (queued, loading) also closes the connection', async () => {
      ollama.next({ kind: 'hang' });
      const controller = new AbortController();
      const pending = collectStream(service.stream(promptRequest(), { signal: controller.signal }));
      await waitFor(() => ollama.generationCalls().length === 1);
      controller.abort();
      expect(await failureOf(pending, InferenceError)).toBeInstanceOf(GenerationCancelledError);
      await ollama.waitForClientGone(0, 2000);
    });

    it('aborting with a domain error as the reason surfaces that error (a timeout stays a timeout)', async () => {
      ollama.next({ kind: 'hang' });
      const controller = new AbortController();
      const pending = collectStream(service.stream(promptRequest(), { signal: controller.signal }));
      await waitFor(() => ollama.generationCalls().length === 1);
      const timeout = new UpstreamTimeoutError('first_token', 25);
      controller.abort(timeout);
      expect(await failureOf(pending, InferenceError)).toBe(timeout);
    });

    it('a consumer that stops reading early closes the upstream connection', async () => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b', 'c', 'd', 'e'], interTokenDelayMs: 100 });
      for await (const event of service.stream(promptRequest())) {
        if (event.type === 'delta') {
          break;
        }
      }
      await ollama.waitForClientGone(0, 2000);
    });

    it('complete answers leave their connection open for the next generation (keep-alive)', async () => {
      const fresh = new OllamaService(ollama.url);
      try {
        const before = ollama.connections;
        for (let i = 0; i < 3; i += 1) {
          await drain(fresh.stream(promptRequest()));
          // `done` reaches the consumer before the end of the HTTP response: let the response finish.
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(ollama.connections - before).toBe(1);
      } finally {
        await fresh.onApplicationShutdown();
      }
    });
  });

  describe('models', () => {
    it('lists the models on disk with their tagged names, size, family and date', async () => {
      const models = await service.listModels();
      expect(models).toEqual([
        { name: MODEL, sizeBytes: 397_821_319, modifiedAt: '2026-01-01T00:00:00.000Z', family: 'qwen2' },
        {
          name: 'llama3:latest',
          sizeBytes: 397_821_319,
          modifiedAt: '2026-01-01T00:00:00.000Z',
          family: 'qwen2',
        },
      ]);
    });

    it('reports a present and loaded model', async () => {
      await expect(service.modelStatus(MODEL)).resolves.toEqual({
        reachable: true,
        present: true,
        loaded: true,
        available: [MODEL, 'llama3:latest'],
      });
    });

    it('treats llama3 and llama3:latest as the same model', async () => {
      await expect(service.modelStatus('llama3')).resolves.toMatchObject({ present: true, loaded: false });
      await expect(service.modelStatus('llama3:latest')).resolves.toMatchObject({ present: true });
      await expect(service.modelStatus('llama3:8b')).resolves.toMatchObject({ present: false });
    });

    it('reports a missing model with what is available instead', async () => {
      await expect(service.modelStatus('mistral')).resolves.toEqual({
        reachable: true,
        present: false,
        loaded: false,
        available: [MODEL, 'llama3:latest'],
      });
    });

    it('reports an unreachable backend without throwing', async () => {
      const down = new OllamaService(`http://127.0.0.1:${await freePort()}`);
      try {
        await expect(down.modelStatus(MODEL)).resolves.toEqual({
          reachable: false,
          present: false,
          loaded: false,
          available: [],
        });
      } finally {
        await down.onApplicationShutdown();
      }
    });

    it('never generates tokens to check a model', async () => {
      await service.modelStatus(MODEL);
      await service.listModels();
      expect(ollama.generationCalls()).toEqual([]);
    });
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
