import { loadConfig, type RawEnv } from '@gateway/config';
import {
  GenerationCancelledError,
  ShuttingDownError,
  UpstreamProtocolError,
  UpstreamServerError,
  UpstreamTimeoutError,
  type GenerationEvent,
  type GenerationOptions,
  type GenerationRequest,
  type GenerationResult,
  type InferenceProvider,
  type ModelStatus,
} from '@gateway/inference';
import { DrainState } from '@gateway/health';
import { GatewayMetrics } from '@gateway/metrics';
import { RequestContext } from '@gateway/request-context';
import type { Counter, Histogram } from 'prom-client';

import { GenerationService } from './generation.service';

const ROUTE = '/v1/generate';
const MODEL = 'test-model';
const REQUEST: GenerationRequest = {
  model: MODEL,
  input: { kind: 'prompt', prompt: 'hi' },
  params: { maxTokens: 8 },
};

type Step = { delta: string } | { waitMs: number } | { done: Partial<GenerationResult> } | 'hang';

/**
 * A provider that plays a script. With `honoursSignal: false` it ignores its AbortSignal entirely, like a
 * misbehaving backend, so the service's own clocks are what must end the call.
 */
class ScriptedProvider implements InferenceProvider {
  readonly backendName = 'scripted';
  readonly signals: AbortSignal[] = [];
  returned = 0;

  constructor(
    private readonly script: Step[],
    private readonly honoursSignal = true,
  ) {}

  async *stream(
    _request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    const signal = options.signal ?? new AbortController().signal;
    this.signals.push(signal);
    try {
      for (const step of this.script) {
        if (step === 'hang') {
          await this.wait(signal, undefined);
        } else if ('waitMs' in step) {
          await this.wait(signal, step.waitMs);
        } else if ('delta' in step) {
          yield { type: 'delta', text: step.delta };
        } else {
          yield { type: 'done', result: { ...doneResult(), ...step.done } };
        }
      }
    } finally {
      this.returned += 1;
    }
  }

  listModels(): Promise<[]> {
    return Promise.resolve([]);
  }

  modelStatus(): Promise<ModelStatus> {
    return Promise.resolve({ reachable: true, present: true, loaded: true, available: [MODEL] });
  }

  private wait(signal: AbortSignal, ms: number | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      if (ms !== undefined) {
        setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
      }
      if (this.honoursSignal) {
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
}

function doneResult(): GenerationResult {
  return {
    model: MODEL,
    text: '',
    finishReason: 'stop',
    usage: { promptTokens: 5, completionTokens: 3 },
    timings: {},
  };
}

function setup(provider: InferenceProvider, env: RawEnv = {}, drain = new DrainState()) {
  const config = loadConfig({ INFERENCE_BACKEND: 'ollama', ...env });
  const metrics = new GatewayMetrics();
  return { service: new GenerationService(provider, config, metrics, drain), metrics };
}

async function counter(metric: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return found?.value ?? 0;
}

async function histogramCount(metric: Histogram<string>): Promise<number> {
  const { values } = await metric.get();
  return values.filter((v) => v.metricName?.endsWith('_count')).reduce((sum, v) => sum + v.value, 0);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the generation to fail');
}

function context(): RequestContext {
  const ctx = new RequestContext('test-request');
  ctx.route = ROUTE;
  return ctx;
}

const cancelled = (reason: string) => ({ route: ROUTE, model: MODEL, reason });

describe('GenerationService', () => {
  it('returns the joined text and counts prompt and completion tokens once', async () => {
    const provider = new ScriptedProvider([{ delta: 'a' }, { delta: 'b' }, { delta: 'c' }, { done: {} }]);
    const { service, metrics } = setup(provider);
    const result = await service.generate(context(), REQUEST);
    expect(result).toMatchObject({ text: 'abc', usage: { promptTokens: 5, completionTokens: 3 } });
    const labels = { route: ROUTE, model: MODEL };
    expect(await counter(metrics.promptTokens, labels)).toBe(5);
    expect(await counter(metrics.completionTokens, labels)).toBe(3);
    expect(await histogramCount(metrics.timeToFirstToken)).toBe(1);
    expect(await histogramCount(metrics.upstreamDuration)).toBe(1);
    expect(await counter(metrics.cancellations, {})).toBe(0);
  });

  describe('timeouts', () => {
    it('first-token timeout -> UpstreamTimeoutError(first_token), even when the backend ignores its signal', async () => {
      const provider = new ScriptedProvider(['hang'], false);
      const { service, metrics } = setup(provider, { FIRST_TOKEN_TIMEOUT_MS: '30' });
      const error = await failure(service.generate(context(), REQUEST));
      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      expect(error).toMatchObject({ phase: 'first_token', afterMs: 30 });
      expect(await counter(metrics.cancellations, cancelled('timeout'))).toBe(1);
      expect(provider.signals[0].aborted).toBe(true);
    });

    it('idle timeout once tokens flowed -> UpstreamTimeoutError(idle)', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, 'hang'], false);
      const { service } = setup(provider, { FIRST_TOKEN_TIMEOUT_MS: '10000', IDLE_TIMEOUT_MS: '30' });
      const error = await failure(service.generate(context(), REQUEST));
      expect(error).toMatchObject({ phase: 'idle', afterMs: 30 });
    });

    it('a slow first token does not count against the idle timeout', async () => {
      const provider = new ScriptedProvider([{ waitMs: 60 }, { delta: 'a' }, { done: {} }]);
      const { service } = setup(provider, { FIRST_TOKEN_TIMEOUT_MS: '5000', IDLE_TIMEOUT_MS: '20' });
      await expect(service.generate(context(), REQUEST)).resolves.toMatchObject({
        text: 'a',
      });
    });

    it('total deadline -> UpstreamTimeoutError(total) while tokens keep coming', async () => {
      const trickle: Step[] = Array.from({ length: 200 }, (): Step[] => [
        { delta: 'x' },
        { waitMs: 5 },
      ]).flat();
      const provider = new ScriptedProvider(trickle);
      const { service } = setup(provider, { IDLE_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '60' });
      const error = await failure(service.generate(context(), REQUEST));
      expect(error).toMatchObject({ phase: 'total', afterMs: 60 });
      expect(provider.signals[0].reason).toBe(error);
    });
  });

  describe('drain deadline', () => {
    it('ends a running generation with ShuttingDownError and stops the backend', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, 'hang'], false);
      const drain = new DrainState();
      const { service, metrics } = setup(provider, {}, drain);
      const pending = service.generate(context(), REQUEST);
      setTimeout(() => drain.expire(), 20);
      expect(await failure(pending)).toBeInstanceOf(ShuttingDownError);
      expect(provider.signals[0].aborted).toBe(true);
      expect(await counter(metrics.cancellations, cancelled('shutdown'))).toBe(1);
    });

    it('refuses a generation that starts after the deadline', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, { done: {} }]);
      const drain = new DrainState();
      drain.expire();
      const { service } = setup(provider, {}, drain);
      const error = await failure(service.generate(context(), REQUEST));
      expect(error).toBeInstanceOf(ShuttingDownError);
    });
  });

  describe('cancellation', () => {
    it('caller abort -> GenerationCancelledError, the backend signal fires and the metric counts a disconnect', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, 'hang']);
      const { service, metrics } = setup(provider);
      const ctx = context();
      const pending = service.generate(ctx, REQUEST);
      setTimeout(() => ctx.clientGone(), 20);
      expect(await failure(pending)).toBeInstanceOf(GenerationCancelledError);
      expect(provider.signals[0].aborted).toBe(true);
      expect(await counter(metrics.cancellations, cancelled('client_disconnect'))).toBe(1);
      expect(await counter(metrics.cancellations, cancelled('timeout'))).toBe(0);
    });

    it('caller abort ends the call even when the backend ignores its signal', async () => {
      const provider = new ScriptedProvider(['hang'], false);
      const { service } = setup(provider);
      const ctx = context();
      const pending = service.generate(ctx, REQUEST);
      setTimeout(() => ctx.clientGone(), 20);
      expect(await failure(pending)).toBeInstanceOf(GenerationCancelledError);
    });

    it('a client leaving after the answer is complete cancels nothing', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, { done: {} }]);
      const { service, metrics } = setup(provider);
      const ctx = context();
      await service.generate(ctx, REQUEST);
      ctx.clientGone();
      expect(provider.signals[0].aborted).toBe(false);
      expect(await counter(metrics.cancellations, cancelled('client_disconnect'))).toBe(0);
    });

    it('a caller already gone never waits on the backend', async () => {
      const provider = new ScriptedProvider(['hang'], false);
      const { service } = setup(provider);
      const ctx = context();
      ctx.clientGone();
      expect(await failure(service.generate(ctx, REQUEST))).toBeInstanceOf(GenerationCancelledError);
    });

    it('a consumer that stops reading closes the backend stream and counts no token', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, { delta: 'b' }, { done: {} }]);
      const { service, metrics } = setup(provider);
      for await (const event of service.stream(context(), REQUEST)) {
        expect(event).toEqual({ type: 'delta', text: 'a' });
        break;
      }
      expect(provider.signals[0].aborted).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(provider.returned).toBe(1);
      expect(await counter(metrics.completionTokens, {})).toBe(0);
    });
  });

  describe('broken streams', () => {
    it('a stream that ends without done -> UpstreamProtocolError', async () => {
      const provider = new ScriptedProvider([{ delta: 'a' }, { delta: 'b' }]);
      const { service, metrics } = setup(provider);
      expect(await failure(service.generate(context(), REQUEST))).toBeInstanceOf(UpstreamProtocolError);
      expect(await counter(metrics.completionTokens, {})).toBe(0);
    });

    it("a backend's own domain error passes through unchanged and is not counted as a cancellation", async () => {
      const boom = new UpstreamServerError('runner crashed');
      class FailingProvider extends ScriptedProvider {
        // eslint-disable-next-line require-yield
        override async *stream(): AsyncGenerator<GenerationEvent> {
          await Promise.resolve();
          throw boom;
        }
      }
      const provider = new FailingProvider([]);
      const { service, metrics } = setup(provider);
      expect(await failure(service.generate(context(), REQUEST))).toBe(boom);
      expect(await counter(metrics.cancellations, {})).toBe(0);
    });
  });
});
