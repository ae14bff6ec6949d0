import { collectStream } from '@gateway/inference';
import { ConsoleLogger, Logger } from '@nestjs/common';

import { failureOf } from '../../../test/fixtures/failure-of';
import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import {
  InferenceError,
  UpstreamProtocolError,
  UpstreamRedirectError,
  UpstreamServerError,
} from '@gateway/inference';
import type { GenerationEvent, GenerationRequest } from '@gateway/inference';
import { MAX_ERROR_BODY_BYTES } from './ollama-http';
import { MAX_LINE_BYTES, OllamaService } from './ollama.service';

const MODEL = 'qwen2.5:0.5b';
const MB = 1024 * 1024;

function promptRequest(maxTokens = 64): GenerationRequest {
  return { model: MODEL, input: { kind: 'prompt', prompt: 'Explain Kubernetes' }, params: { maxTokens } };
}

describe('OllamaService distrusts what the upstream sends', () => {
  let ollama: FakeOllama;
  let elsewhere: FakeOllama;
  let service: OllamaService;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL], loaded: [MODEL] }).start();
    elsewhere = await new FakeOllama({ models: [MODEL], loaded: [MODEL] }).start();
    service = new OllamaService(ollama.url);
  });

  afterAll(async () => {
    await service?.onApplicationShutdown();
    await ollama?.stop();
    await elsewhere?.stop();
  });

  beforeEach(() => {
    ollama.calls.length = 0;
    elsewhere.calls.length = 0;
    ollama.listsRedirectTo = undefined;
  });

  describe('redirects are never followed', () => {
    it.each([301, 302, 303, 307, 308] as const)(
      'a %i on generation -> UpstreamRedirectError; the prompt is sent once, never to the target',
      async (status) => {
        ollama.next({ kind: 'redirect', status, location: `${elsewhere.url}/api/generate` });
        const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
        expect(error).toBeInstanceOf(UpstreamRedirectError);
        expect(error.message).toBe('the inference backend answered with a redirect');
        expect(ollama.generationCalls()).toHaveLength(1);
        expect(elsewhere.calls).toEqual([]);
      },
    );

    it('a redirect on the model lists (readiness) is not followed either', async () => {
      ollama.listsRedirectTo = `${elsewhere.url}/api/tags`;
      expect(await failureOf(service.modelStatus(MODEL), InferenceError)).toBeInstanceOf(
        UpstreamRedirectError,
      );
      expect(await failureOf(service.listModels(), InferenceError)).toBeInstanceOf(UpstreamRedirectError);
      expect(elsewhere.calls).toEqual([]);
    });
  });

  describe('sizes are capped', () => {
    it('a line longer than 1 MiB without a newline -> protocol error at once, and the connection dropped', async () => {
      ollama.next({
        kind: 'flood',
        status: 200,
        contentType: 'application/x-ndjson',
        bytes: 20 * MB,
        piece: 'x'.repeat(16 * 1024),
      });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error).toBeInstanceOf(UpstreamProtocolError);
      expect(String(error.cause)).toContain(`exceeded ${MAX_LINE_BYTES} bytes`);
      await ollama.waitForClientGone(0, 5000);
      // Only what sat in socket buffers was sent beyond the cap: the 20 MiB were never read.
      expect(ollama.generationCalls()[0].bytesSent).toBeLessThan(10 * MB);
    });

    it('a long line just under the cap, spread over many small chunks, still parses', async () => {
      const text = 'y'.repeat(MAX_LINE_BYTES - 200);
      ollama.next({
        kind: 'raw-lines',
        lines: [
          JSON.stringify({ model: MODEL, response: text, done: false }),
          JSON.stringify({ model: MODEL, response: '', done: true, done_reason: 'stop', eval_count: 1 }),
        ],
      });
      await expect(collectStream(service.stream(promptRequest()))).resolves.toMatchObject({
        text,
        finishReason: 'stop',
      });
    });

    it('a huge error body is read up to 64 KiB, then the connection is dropped', async () => {
      ollama.next({
        kind: 'flood',
        status: 500,
        contentType: 'application/json',
        bytes: 200 * MB,
        piece: 'z'.repeat(16 * 1024),
      });
      const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
      expect(error).toBeInstanceOf(UpstreamServerError);
      expect(error.message).toBe('the inference backend failed');
      await ollama.waitForClientGone(0, 5000);
      expect(ollama.generationCalls()[0].bytesSent).toBeLessThan(10 * MB);
      expect(String(error.cause).length).toBeLessThan(MAX_ERROR_BODY_BYTES);
    });
  });

  describe('reported numbers are checked', () => {
    it.each<[string, Record<string, unknown>]>([
      ['a negative eval_count', { eval_count: -1 }],
      ['a string prompt_eval_count', { prompt_eval_count: '12' }],
      ['a fractional eval_count', { eval_count: 2.5 }],
      ['an absurd eval_count', { eval_count: 1e12 }],
      ['a negative duration', { eval_duration: -5 }],
      ['an absurd duration (a year)', { load_duration: 365 * 86_400 * 1e9 }],
      ['a non-numeric duration', { total_duration: { ns: 1 } }],
    ])('%s -> protocol error, after the deltas', async (_case, final) => {
      ollama.next({ kind: 'tokens', tokens: ['a', 'b'], final });
      const seen: string[] = [];
      const consume = async (): Promise<void> => {
        for await (const event of service.stream(promptRequest())) {
          seen.push(event.type === 'delta' ? event.text : 'done');
        }
      };
      const error = await failureOf(consume(), InferenceError);
      expect(error).toBeInstanceOf(UpstreamProtocolError);
      expect(error.message).toBe('the inference backend reported invalid usage figures');
      expect(seen).toEqual(['a', 'b']);
    });

    it('a chunk whose text is not a string -> protocol error', async () => {
      ollama.next({
        kind: 'raw-lines',
        lines: [JSON.stringify({ model: MODEL, response: 42, done: false })],
      });
      expect(await failureOf(collectStream(service.stream(promptRequest())), InferenceError)).toBeInstanceOf(
        UpstreamProtocolError,
      );
    });
  });

  it('an upstream that ignores max_tokens is cut off after max_tokens deltas, and its connection closed', async () => {
    ollama.next({ kind: 'runaway' });
    const events: GenerationEvent[] = [];
    for await (const event of service.stream(promptRequest(5))) {
      events.push(event);
    }
    expect(events.filter((event) => event.type === 'delta')).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      result: { finishReason: 'length', usage: { completionTokens: 5 } },
    });
    await ollama.waitForClientGone(0, 5000);
  });

  it('prints nothing the upstream sent on stdout or stderr; logs its error text, never its stream content', async () => {
    const inStream = 'GENERATED-TEXT-MARKER';
    const inError = 'UPSTREAM-ERROR-MARKER';
    const written: string[] = [];
    const logged: unknown[][] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
    );
    const capture = (...args: unknown[]): number => logged.push(args);
    Logger.overrideLogger({ log: capture, warn: capture, error: capture });
    try {
      ollama.next(
        { kind: 'raw-lines', lines: [`not json ${inStream}`] },
        {
          kind: 'raw-lines',
          lines: [JSON.stringify({ response: inStream, done: false }), `{"half": "${inStream}`],
        },
        { kind: 'error', status: 403, bareText: `<html>${inError}</html>` },
      );
      for (let i = 0; i < 3; i += 1) {
        const error = await failureOf(collectStream(service.stream(promptRequest())), InferenceError);
        expect(error.message).not.toMatch(/MARKER/);
      }
    } finally {
      spies.forEach((spy) => spy.mockRestore());
      Logger.overrideLogger(new ConsoleLogger());
    }
    expect(written.filter((text) => text.includes('MARKER'))).toEqual([]);
    const logs = JSON.stringify(logged);
    expect(logs).not.toContain(inStream);
    expect(logged).toContainEqual([
      expect.objectContaining({ code: 'upstream_error', detail: expect.stringContaining(inError) }),
      'inference backend failure: the inference backend failed',
      'OllamaService',
    ]);
  });
});
