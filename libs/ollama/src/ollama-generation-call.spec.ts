import type { Dispatcher } from 'undici';
import {
  GenerationCancelledError,
  InferenceError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
  type GenerationEvent,
  type GenerationRequest,
} from '@gateway/inference';

import { failureOf } from '../../../test/fixtures/failure-of';
import { OllamaGenerationCall } from './ollama-generation-call';

const MODEL = 'qwen2.5:0.5b';
const LINE_CAP = 1024;

function request(maxTokens = 1000): GenerationRequest {
  return { model: MODEL, input: { kind: 'prompt', prompt: 'hi' }, params: { maxTokens } };
}

function lines(count: number, done = false): Buffer {
  const text = Array.from({ length: count }, (_, i) => JSON.stringify({ response: `t${i}`, done: false }));
  if (done) {
    text.push(JSON.stringify({ response: '', done: true, done_reason: 'stop', eval_count: count }));
  }
  return Buffer.from(`${text.join('\n')}\n`);
}

/** A call wired to a hand-driven upstream: the test plays undici's part through the handler. */
function startCall(options: { signal?: AbortSignal; maxTokens?: number } = {}) {
  let handler: Dispatcher.DispatchHandlers | undefined;
  const upstream = { aborted: [] as (Error | undefined)[], resumed: 0 };
  const call = new OllamaGenerationCall({
    request: request(options.maxTokens),
    maxLineBytes: LINE_CAP,
    signal: options.signal,
    fail: (error) =>
      error instanceof InferenceError ? error : new UpstreamProtocolError('failed', { cause: error }),
    cutRunaway: () => ({
      type: 'done',
      result: {
        model: MODEL,
        text: '',
        finishReason: 'length',
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: {},
      },
    }),
  }).start((h) => {
    handler = h;
  });
  const respond = (status = 200): void => {
    handler?.onConnect?.((error) => upstream.aborted.push(error));
    handler?.onHeaders?.(status, [], () => (upstream.resumed += 1), '');
  };
  return { call, upstream, respond, handler: () => handler as Dispatcher.DispatchHandlers };
}

async function take(call: OllamaGenerationCall, count: number): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    events.push((await call.next()).value as GenerationEvent);
  }
  return events;
}

describe('OllamaGenerationCall', () => {
  it('hands each event to a consumer already waiting, in order, and ends after done', async () => {
    const { call, respond, handler } = startCall();
    respond();
    const first = call.next();
    handler().onData?.(lines(2, true));
    expect((await first).value).toEqual({ type: 'delta', text: 't0' });
    expect(await take(call, 2)).toEqual([
      { type: 'delta', text: 't1' },
      expect.objectContaining({ type: 'done' }),
    ]);
    expect(await call.next()).toEqual({ value: undefined, done: true });
  });

  it('pauses the upstream once 64 events wait unread, and resumes it when the consumer has read half', async () => {
    const { call, upstream, respond, handler } = startCall();
    respond();
    expect(handler().onData?.(lines(63))).toBe(true);
    expect(handler().onData?.(lines(1))).toBe(false);
    await take(call, 32);
    expect(upstream.resumed).toBe(0);
    await take(call, 1);
    expect(upstream.resumed).toBe(1);
  });

  it('a consumer that leaves before done aborts the request, which closes the connection', async () => {
    const { call, upstream, respond, handler } = startCall();
    respond();
    handler().onData?.(lines(3));
    await take(call, 1);
    await call.return();
    expect(upstream.aborted).toHaveLength(1);
    expect(upstream.aborted[0]).toBeInstanceOf(GenerationCancelledError);
    expect(await call.next()).toEqual({ value: undefined, done: true });
  });

  it('after done the rest of the answer is read, so the connection is reused, up to the line cap', async () => {
    const { call, upstream, respond, handler } = startCall();
    respond();
    handler().onData?.(lines(1, true));
    await take(call, 2);
    await call.return();
    expect(handler().onData?.(Buffer.alloc(LINE_CAP))).toBe(true);
    expect(upstream.aborted).toEqual([]);
    handler().onData?.(Buffer.alloc(1));
    expect(upstream.aborted).toHaveLength(1);
  });

  it('an abort signal rejects the pending event with its reason and aborts the request', async () => {
    const controller = new AbortController();
    const { call, upstream, respond } = startCall({ signal: controller.signal });
    respond();
    const pending = call.next();
    const timeout = new UpstreamTimeoutError('first_token', 10_000);
    controller.abort(timeout);
    expect(await failureOf(pending, InferenceError)).toBe(timeout);
    expect(upstream.aborted).toEqual([timeout]);
  });

  it('a signal aborted before the start never sends the request', async () => {
    const controller = new AbortController();
    controller.abort(new GenerationCancelledError('gone'));
    let dispatched = false;
    const call = new OllamaGenerationCall({
      request: request(),
      maxLineBytes: LINE_CAP,
      signal: controller.signal,
      fail: (error) => error as InferenceError,
      cutRunaway: () => {
        throw new Error('not reached');
      },
    }).start(() => {
      dispatched = true;
    });
    expect(await failureOf(call.next(), InferenceError)).toBeInstanceOf(GenerationCancelledError);
    expect(dispatched).toBe(false);
  });

  it('events read before a failure reach the consumer first, then the failure', async () => {
    const { call, respond, handler } = startCall();
    respond();
    handler().onData?.(Buffer.concat([lines(2), Buffer.from('{"error":"boom"}\n')]));
    expect(await take(call, 2)).toEqual([
      { type: 'delta', text: 't0' },
      { type: 'delta', text: 't1' },
    ]);
    expect(await failureOf(call.next(), InferenceError)).toBeInstanceOf(UpstreamProtocolError);
  });
});
