import {
  collectStream,
  UpstreamUnavailableError,
  type GenerationEvent,
  type GenerationOptions,
  type GenerationRequest,
  type InferenceProvider,
} from '@gateway/inference';

import { AdmissionController } from './admission-controller';
import { CircuitBreaker } from './circuit-breaker';
import { EndpointPool } from './endpoint-pool';
import { RoutedInferenceProvider } from './routed-inference-provider';
import { UpstreamEndpoint } from './upstream-endpoint';

/** Fails its first `failures` calls, then answers; remembers the headers of every call. */
class HeaderRecordingBackend implements InferenceProvider {
  readonly backendName = 'ollama';
  readonly seenHeaders: Array<Readonly<Record<string, string>> | undefined> = [];

  constructor(private failures: number) {}

  async *stream(_request: GenerationRequest, options?: GenerationOptions): AsyncGenerator<GenerationEvent> {
    this.seenHeaders.push(options?.headers);
    await Promise.resolve();
    if (this.failures > 0) {
      this.failures -= 1;
      throw new UpstreamUnavailableError('down');
    }
    const usage = { promptTokens: 1, completionTokens: 1 };
    yield { type: 'done', result: { model: 'm', text: '', finishReason: 'stop', usage, timings: {} } };
  }

  generate(): never {
    throw new Error('not used');
  }
  listModels() {
    return Promise.resolve([]);
  }
  modelStatus() {
    return Promise.resolve({ reachable: true, present: true, loaded: false, available: [] });
  }
}

function routed(backend: InferenceProvider): RoutedInferenceProvider {
  const endpoint = new UpstreamEndpoint(
    'http://ollama-0:11434',
    backend,
    2,
    new CircuitBreaker({ failureThreshold: 10, cooldownMs: 60_000, probeIntervalMs: 1_000 }),
  );
  const quiet = {
    queueDepth: () => undefined,
    waited: () => undefined,
    shed: () => undefined,
    inflight: () => undefined,
  };
  const admission = new AdmissionController({ maxQueue: 2, maxQueueWaitMs: 1000 }, quiet);
  return new RoutedInferenceProvider(
    new EndpointPool([endpoint]),
    admission,
    {
      retries: 1,
      retryBackoffMs: 0,
      servingEndpoints: () => undefined,
      onRetry: () => undefined,
    },
    'scripted',
  );
}

const request: GenerationRequest = {
  model: 'm',
  input: { kind: 'prompt', prompt: 'x' },
  params: { maxTokens: 1 },
};

describe('attempt observer', () => {
  it('is told of every attempt, sends its headers over the common ones, and learns how each ended', async () => {
    const backend = new HeaderRecordingBackend(1);
    const ended: unknown[] = [];
    let attempt = 0;
    const result = await collectStream(
      routed(backend).stream(request, {
        headers: { 'x-request-id': 'req-1', traceparent: 'overridden' },
        onAttempt: (endpoint) => {
          attempt += 1;
          const n = attempt;
          return {
            headers: { traceparent: `attempt-${n}@${endpoint}` },
            end: (error) => ended.push(error),
          };
        },
      }),
    );

    expect(result.finishReason).toBe('stop');
    expect(backend.seenHeaders).toEqual([
      { 'x-request-id': 'req-1', traceparent: 'attempt-1@http://ollama-0:11434' },
      { 'x-request-id': 'req-1', traceparent: 'attempt-2@http://ollama-0:11434' },
    ]);
    expect(ended).toHaveLength(2);
    expect(ended[0]).toBeInstanceOf(UpstreamUnavailableError);
    expect(ended[1]).toBeUndefined();
  });

  it('reports a successful attempt ended once, before its consumer receives done', async () => {
    const backend = new HeaderRecordingBackend(0);
    const ended: unknown[] = [];
    let endedAtDone: number | undefined;
    const stream = routed(backend).stream(request, {
      onAttempt: () => ({ headers: {}, end: (error) => ended.push(error) }),
    });
    for await (const event of stream) {
      if (event.type === 'done') {
        endedAtDone = ended.length;
      }
    }
    // A consumer may finish its answer before it closes the stream: the attempt's span ends first.
    expect(endedAtDone).toBe(1);
    expect(ended).toEqual([undefined]);
  });

  it('passes the common headers unchanged when nobody observes attempts', async () => {
    const backend = new HeaderRecordingBackend(0);
    await collectStream(routed(backend).stream(request, { headers: { 'x-request-id': 'req-2' } }));
    expect(backend.seenHeaders).toEqual([{ 'x-request-id': 'req-2' }]);
  });
});
