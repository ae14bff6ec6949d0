import { collectStream } from '@gateway/inference';
import { UpstreamProtocolError, UpstreamRejectedError, UpstreamUnavailableError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import type { GenerationEvent, GenerationRequest, ModelStatus } from '@gateway/inference';

import { AdmissionController } from './admission-controller';
import { CircuitBreaker } from './circuit-breaker';
import { EndpointPool } from './endpoint-pool';
import { RoutedInferenceProvider } from './routed-inference-provider';
import { UpstreamEndpoint } from './upstream-endpoint';

type Behaviour = 'ok' | 'down' | 'rejects' | 'breaks-after-first-token';

class ScriptedBackend implements InferenceProvider {
  readonly backendName = 'ollama';
  calls = 0;
  constructor(
    public behaviour: Behaviour,
    private readonly status: Partial<ModelStatus> = {},
  ) {}

  async *stream(): AsyncGenerator<GenerationEvent> {
    this.calls += 1;
    await Promise.resolve();
    if (this.behaviour === 'down') {
      throw new UpstreamUnavailableError('down');
    }
    if (this.behaviour === 'rejects') {
      throw new UpstreamRejectedError('bad option');
    }
    yield { type: 'delta', text: 'hi' };
    if (this.behaviour === 'breaks-after-first-token') {
      throw new UpstreamProtocolError('broken');
    }
    const usage = { promptTokens: 1, completionTokens: 1 };
    yield { type: 'done', result: { model: 'm', text: '', finishReason: 'stop', usage, timings: {} } };
  }

  generate() {
    return collectStream(this.stream());
  }
  listModels() {
    return Promise.resolve([{ name: 'm:latest' }]);
  }
  modelStatus() {
    return Promise.resolve({ reachable: true, present: true, loaded: false, available: [], ...this.status });
  }
}

const request: GenerationRequest = {
  model: 'm',
  input: { kind: 'prompt', prompt: 'x' },
  params: { maxTokens: 5 },
};

function pool(backends: ScriptedBackend[], serving?: string[]) {
  const endpoints = backends.map(
    (backend, i) =>
      new UpstreamEndpoint(
        `e${i}`,
        backend,
        4,
        new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000, probeIntervalMs: 60_000 }),
      ),
  );
  const retried: string[] = [];
  const admission = new AdmissionController(
    { maxQueue: 4, maxQueueWaitMs: 1000 },
    {
      queueDepth: () => undefined,
      waited: () => undefined,
      shed: () => undefined,
      inflight: () => undefined,
    },
  );
  const provider = new RoutedInferenceProvider(
    new EndpointPool(endpoints),
    admission,
    {
      retries: 2,
      retryBackoffMs: 1,
      servingEndpoints: () => serving,
      onRetry: (failed) => retried.push(failed.name),
    },
    'scripted',
  );
  return { provider, endpoints, retried };
}

describe('RoutedInferenceProvider', () => {
  it('fails over to another endpoint when one is down before the first token', async () => {
    const down = new ScriptedBackend('down');
    const up = new ScriptedBackend('ok');
    const { provider, retried, endpoints } = pool([down, up]);
    for (let i = 0; i < 4; i += 1) {
      await expect(collectStream(provider.stream(request))).resolves.toMatchObject({ text: 'hi' });
    }
    expect(down.calls).toBe(2);
    expect(retried).toEqual(['e0', 'e0']);
    expect(endpoints[0].breaker.state).toBe('open');
    expect(endpoints.every((endpoint) => endpoint.inflight === 0)).toBe(true);
  });

  it('retries on an endpoint already tried rather than giving up on an untried one that is open', async () => {
    class FailsOnce extends ScriptedBackend {
      override stream(): AsyncGenerator<GenerationEvent> {
        this.behaviour = this.calls === 0 ? 'down' : 'ok';
        return super.stream();
      }
    }
    const flaky = new FailsOnce('ok');
    const { provider, endpoints, retried } = pool([flaky, new ScriptedBackend('down')]);
    endpoints[1].breaker.onFailure(endpoints[1].breaker.onAttempt());
    endpoints[1].breaker.onFailure(endpoints[1].breaker.onAttempt());
    expect(endpoints[1].breaker.state).toBe('open');
    await expect(collectStream(provider.stream(request))).resolves.toMatchObject({ text: 'hi' });
    expect(flaky.calls).toBe(2);
    expect(retried).toEqual(['e0']);
  });

  it('frees the slot as soon as the result is out, even if the consumer stops pulling', async () => {
    const { provider, endpoints } = pool([new ScriptedBackend('ok')]);
    const iterator = provider.stream(request)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'delta' });
    expect(endpoints[0].inflight).toBe(1);
    expect((await iterator.next()).value).toMatchObject({ type: 'done' });
    expect(endpoints[0].inflight).toBe(0);
    expect(endpoints[0].breaker.state).toBe('closed');
  });

  it('never retries once a token was produced', async () => {
    const broken = new ScriptedBackend('breaks-after-first-token');
    const other = new ScriptedBackend('ok');
    const { provider, retried } = pool([broken, other], ['e0']);
    await expect(collectStream(provider.stream(request))).rejects.toBeInstanceOf(UpstreamProtocolError);
    expect(retried).toEqual([]);
    expect(other.calls).toBe(0);
  });

  it('does not retry or blame an endpoint for the caller own mistake', async () => {
    const rejecting = new ScriptedBackend('rejects');
    const { provider, endpoints } = pool([rejecting]);
    await expect(collectStream(provider.stream(request))).rejects.toBeInstanceOf(UpstreamRejectedError);
    await expect(collectStream(provider.stream(request))).rejects.toBeInstanceOf(UpstreamRejectedError);
    expect(rejecting.calls).toBe(2);
    expect(endpoints[0].breaker.state).toBe('closed');
  });

  it('sends a model only to the endpoints the model table lists for it', async () => {
    const first = new ScriptedBackend('ok');
    const second = new ScriptedBackend('ok');
    const { provider } = pool([first, second], ['e1']);
    await collectStream(provider.stream(request));
    await collectStream(provider.stream(request));
    expect(first.calls).toBe(0);
    expect(second.calls).toBe(2);
  });

  it('is ready when one serving endpoint answers with the model', async () => {
    const unreachable = new ScriptedBackend('ok', { reachable: false, present: false });
    const ready = new ScriptedBackend('ok', { available: ['m:latest'] });
    const { provider } = pool([unreachable, ready]);
    await expect(provider.modelStatus('m')).resolves.toMatchObject({ reachable: true, present: true });
    const { provider: onlyUnreachable } = pool([unreachable, ready], ['e0']);
    await expect(onlyUnreachable.modelStatus('m')).resolves.toMatchObject({
      reachable: false,
      present: false,
    });
  });
});
