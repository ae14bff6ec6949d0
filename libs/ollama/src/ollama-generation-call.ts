import type { Dispatcher } from 'undici';

import type { GenerationEvent, GenerationRequest, InferenceError } from '@gateway/inference';
import { GenerationCancelledError } from '@gateway/inference';
import { parseChunk } from './ollama-chunk';
import { OllamaChunkReader } from './ollama-chunk-reader';
import { fromStatus } from './ollama-errors';
import { MAX_ERROR_BODY_BYTES } from './ollama-http';
import { NdjsonSplitter } from './ndjson-splitter';
import { protocolError } from './upstream-detail';

/** Events parsed ahead of the consumer before the upstream socket is paused. */
const HIGH_WATER_EVENTS = 64;

export interface OllamaGenerationCallOptions {
  request: GenerationRequest;
  maxLineBytes: number;
  signal?: AbortSignal;
  /** Turns whatever went wrong into the domain error thrown to the consumer (and logs it). */
  fail: (error: unknown) => InferenceError;
  /** The `done` event that ends an answer Ollama kept generating past max_tokens. */
  cutRunaway: () => GenerationEvent;
}

type Phase =
  | 'waiting' // request sent, no status yet
  | 'streaming' // 2xx: NDJSON lines become events
  | 'error-body' // non-2xx: the start of the body is kept for the logs
  | 'draining' // `done` seen: what follows is read (bounded) so the connection is reused
  | 'closed'; // failed, cut or abandoned: nothing more is read or delivered

/**
 * One streamed generation on undici's dispatcher API, read as generation events. Each network read is
 * split, parsed and turned into events synchronously, with no response stream, async iterator or
 * generator of its own between the socket and the consumer: this runs for every token.
 *
 * Leaving before `done` (the consumer stopped, an error, a runaway answer) aborts the request, which
 * closes the connection: that is what frees Ollama's slot. After `done`, the rest of the answer
 * (nothing, normally) is read up to `maxLineBytes` so the connection goes back to the pool.
 */
export class OllamaGenerationCall
  implements AsyncIterableIterator<GenerationEvent>, Dispatcher.DispatchHandlers
{
  private phase: Phase = 'waiting';
  private readonly events: GenerationEvent[] = [];
  /** `done` has been queued: no further event is. */
  private answered = false;
  private failure?: InferenceError;
  private waiting?: {
    resolve: (result: IteratorResult<GenerationEvent>) => void;
    reject: (error: unknown) => void;
  };
  private abortUpstream?: (error?: Error) => void;
  private resumeUpstream?: () => void;
  private paused = false;
  private upstreamDone = false;
  private readonly splitter: NdjsonSplitter;
  private readonly reader: OllamaChunkReader;
  private relayed = 0;
  private status = 0;
  private errorBody: Buffer[] = [];
  private errorBytes = 0;
  private drained = 0;

  constructor(private readonly options: OllamaGenerationCallOptions) {
    this.splitter = new NdjsonSplitter(options.maxLineBytes);
    this.reader = new OllamaChunkReader(options.request);
    options.signal?.addEventListener('abort', this.onSignal);
  }

  /** Sends the request; events, or what stopped it being sent, then arrive through `next`. */
  start(dispatch: (handler: Dispatcher.DispatchHandlers) => void): this {
    if (this.options.signal?.aborted) {
      this.onSignal();
      return this;
    }
    try {
      dispatch(this);
    } catch (error) {
      this.fail(error);
    }
    return this;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<GenerationEvent>> {
    const event = this.events.shift();
    if (event !== undefined) {
      if (this.paused && this.events.length < HIGH_WATER_EVENTS / 2) {
        this.paused = false;
        this.resumeUpstream?.();
      }
      return Promise.resolve({ value: event, done: false });
    }
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.phase === 'closed' || this.answered) {
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The consumer is done with the answer, finished or not. */
  return(): Promise<IteratorResult<GenerationEvent>> {
    this.events.length = 0;
    if (this.phase !== 'draining' && this.phase !== 'closed') {
      this.close(new GenerationCancelledError('the generation was abandoned'));
    }
    this.failure = undefined;
    this.settle({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  // --- undici's dispatch handler ---

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.phase === 'closed') {
      abort();
    }
  }

  onHeaders(status: number, headers: Buffer[] | string[] | null, resume: () => void): boolean {
    if (status < 200 || this.phase === 'closed') {
      return true;
    }
    this.resumeUpstream = resume;
    this.status = status;
    if (status < 300) {
      this.phase = 'streaming';
      return true;
    }
    if (status < 400) {
      // Never followed: the body is not read, the connection is dropped.
      this.fail(fromStatus(status, this.options.request.model, '', headerValue(headers, 'location')));
      return false;
    }
    this.phase = 'error-body';
    return true;
  }

  onData(chunk: Buffer): boolean {
    switch (this.phase) {
      case 'streaming':
        return this.readAnswer(chunk);
      case 'error-body':
        return this.readErrorBody(chunk);
      case 'draining':
        this.drained += chunk.length;
        if (this.drained > this.options.maxLineBytes) {
          this.phase = 'closed';
          this.abortUpstream?.();
        }
        return true;
      case 'waiting':
      case 'closed':
        return false;
    }
  }

  onComplete(): void {
    this.upstreamDone = true;
    this.detachSignal();
    if (this.phase === 'streaming') {
      const last = this.splitter.end();
      this.fail(
        protocolError(
          'the inference stream ended before it reported completion',
          last === undefined ? 'no done chunk' : 'the stream ended inside a line',
        ),
      );
    } else if (this.phase === 'error-body') {
      this.fail(fromStatus(this.status, this.options.request.model, this.errorText()));
    }
    if (this.phase === 'draining') {
      this.phase = 'closed';
    }
  }

  onError(error: Error): void {
    this.upstreamDone = true;
    this.detachSignal();
    if (this.phase === 'error-body') {
      // The connection failed while the error body was read: the status still says what happened.
      this.fail(fromStatus(this.status, this.options.request.model, this.errorText()));
    } else if (this.phase === 'draining') {
      this.phase = 'closed';
    } else {
      this.fail(error);
    }
  }

  // --- reading ---

  private readAnswer(chunk: Buffer): boolean {
    try {
      for (const line of this.splitter.push(chunk)) {
        for (const event of this.reader.read(parseChunk(line))) {
          if (this.accept(event)) {
            return true;
          }
        }
      }
    } catch (error) {
      this.fail(error);
      return false;
    }
    if (this.events.length >= HIGH_WATER_EVENTS) {
      this.paused = true;
      return false;
    }
    return true;
  }

  /** Queues (or hands over) one event; true when the answer is complete and reading stops. */
  private accept(event: GenerationEvent): boolean {
    if (event.type === 'done') {
      this.phase = 'draining';
      this.deliver(event);
      return true;
    }
    if (event.type === 'delta') {
      if (this.relayed === this.options.request.params.maxTokens) {
        // Ollama ignored num_predict: the answer ends here, and the connection is closed.
        this.deliver(this.options.cutRunaway());
        this.close();
        return true;
      }
      this.relayed += 1;
    }
    this.deliver(event);
    return false;
  }

  private deliver(event: GenerationEvent): void {
    if (event.type === 'done') {
      this.answered = true;
    }
    if (this.waiting !== undefined && this.events.length === 0) {
      this.settle({ value: event, done: false });
    } else {
      this.events.push(event);
    }
  }

  private readErrorBody(chunk: Buffer): boolean {
    const room = MAX_ERROR_BODY_BYTES - this.errorBytes;
    if (chunk.length > room) {
      // Only the start is kept for the logs; the rest is never read.
      this.errorBody.push(chunk.subarray(0, room));
      this.fail(fromStatus(this.status, this.options.request.model, this.errorText()));
      return false;
    }
    this.errorBody.push(chunk);
    this.errorBytes += chunk.length;
    return true;
  }

  private errorText(): string {
    return Buffer.concat(this.errorBody).toString('utf8');
  }

  // --- ending ---

  /** Ends the call with `error` for the consumer, unless the answer is already complete. */
  private fail(error: unknown): void {
    if (this.phase === 'closed' || this.answered) {
      return;
    }
    const failure = this.options.fail(error);
    this.close(failure);
    if (this.waiting !== undefined) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(failure);
    } else {
      this.failure = failure;
    }
  }

  /** Stops reading and drops the connection (undici then reports the abort, which is ignored). */
  private close(reason?: Error): void {
    this.phase = 'closed';
    this.detachSignal();
    if (!this.upstreamDone) {
      this.abortUpstream?.(reason);
    }
  }

  private settle(result: IteratorResult<GenerationEvent>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(result);
  }

  private readonly onSignal = (): void => {
    const reason: unknown = this.options.signal?.reason;
    this.fail(reason ?? new GenerationCancelledError('the request was cancelled'));
  };

  private detachSignal(): void {
    this.options.signal?.removeEventListener('abort', this.onSignal);
  }
}

/** One header from undici's raw list (name, value, name, value...). */
function headerValue(headers: Buffer[] | string[] | null, wanted: string): string {
  for (let i = 0; headers && i + 1 < headers.length; i += 2) {
    if (headers[i].toString().toLowerCase() === wanted) {
      return headers[i + 1].toString();
    }
  }
  return '';
}
