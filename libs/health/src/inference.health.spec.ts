import { HealthIndicatorService } from '@nestjs/terminus';
import { loadConfig } from '@gateway/config';
import {
  collectStream,
  UpstreamServerError,
  type GenerationEvent,
  type GenerationRequest,
  type InferenceProvider,
  type ModelStatus,
} from '@gateway/inference';

import { InferenceHealthIndicator } from './inference.health';

const MODEL = 'qwen2.5:0.5b';

/** A backend whose modelStatus answers are set per test; counts how often it is asked. */
class StatusProvider implements InferenceProvider {
  readonly backendName = 'ollama';
  calls = 0;
  signals: AbortSignal[] = [];

  constructor(private readonly answer: (signal: AbortSignal) => Promise<ModelStatus>) {}

  modelStatus(_model: string, options: { signal?: AbortSignal } = {}): Promise<ModelStatus> {
    this.calls += 1;
    const signal = options.signal ?? new AbortController().signal;
    this.signals.push(signal);
    return this.answer(signal);
  }

  // eslint-disable-next-line require-yield
  async *stream(): AsyncGenerator<GenerationEvent> {
    await Promise.resolve();
    throw new Error('readiness must never generate');
  }

  generate(_request: GenerationRequest) {
    return collectStream(this.stream());
  }

  listModels() {
    return Promise.resolve([]);
  }
}

const status = (overrides: Partial<ModelStatus>): ModelStatus => ({
  reachable: true,
  present: true,
  loaded: false,
  available: [MODEL],
  ...overrides,
});

function indicatorFor(provider: InferenceProvider, env: Record<string, string> = {}) {
  const config = loadConfig({
    INFERENCE_BACKEND: 'ollama',
    MODEL_NAME: MODEL,
    READINESS_CACHE_MS: '0',
    HEALTH_CHECK_TIMEOUT_MS: '50',
    ...env,
  });
  return new InferenceHealthIndicator(new HealthIndicatorService(), provider, config);
}

describe('InferenceHealthIndicator', () => {
  it('is up when the backend has the model, and says whether it is loaded', async () => {
    const warm = indicatorFor(new StatusProvider(() => Promise.resolve(status({ loaded: true }))));
    await expect(warm.isReady()).resolves.toEqual({
      inference: { status: 'up', backend: 'ollama', model: MODEL, loaded: true },
    });
    const cold = indicatorFor(new StatusProvider(() => Promise.resolve(status({ loaded: false }))));
    await expect(cold.isReady()).resolves.toMatchObject({ inference: { status: 'up', loaded: false } });
  });

  it('is down with the reason and the available models when the model is missing', async () => {
    const provider = new StatusProvider(() =>
      Promise.resolve(status({ present: false, available: ['llama3:latest', 'phi3:mini'] })),
    );
    await expect(indicatorFor(provider).isReady()).resolves.toEqual({
      inference: {
        status: 'down',
        backend: 'ollama',
        model: MODEL,
        reason: `model '${MODEL}' is not available on the backend`,
        available: ['llama3:latest', 'phi3:mini'],
      },
    });
  });

  it('is down when the backend is unreachable', async () => {
    const provider = new StatusProvider(() =>
      Promise.resolve({ reachable: false, present: false, loaded: false, available: [] }),
    );
    await expect(indicatorFor(provider).isReady()).resolves.toEqual({
      inference: { status: 'down', backend: 'ollama', model: MODEL, reason: 'inference backend unreachable' },
    });
  });

  it('is down, without throwing, when the backend check fails', async () => {
    const provider = new StatusProvider(() => Promise.reject(new UpstreamServerError('status 500')));
    await expect(indicatorFor(provider).isReady()).resolves.toEqual({
      inference: {
        status: 'down',
        backend: 'ollama',
        model: MODEL,
        reason: 'backend check failed: status 500',
      },
    });
  });

  it('is down after HEALTH_CHECK_TIMEOUT_MS when the backend hangs, and aborts the check', async () => {
    const provider = new StatusProvider(() => new Promise<ModelStatus>(() => undefined));
    const result = await indicatorFor(provider, { HEALTH_CHECK_TIMEOUT_MS: '50' }).isReady();
    expect(result).toEqual({
      inference: expect.objectContaining({
        status: 'down',
        reason: 'backend check failed: timed out after 50 ms',
      }),
    });
    expect(provider.signals[0].aborted).toBe(true);
  });

  it('asks the backend once per READINESS_CACHE_MS', async () => {
    const provider = new StatusProvider(() => Promise.resolve(status({})));
    const indicator = indicatorFor(provider, { READINESS_CACHE_MS: '60000' });
    await indicator.isReady();
    await indicator.isReady();
    await indicator.isReady();
    expect(provider.calls).toBe(1);
  });

  it('asks again once the cached result has expired', async () => {
    const provider = new StatusProvider(() => Promise.resolve(status({})));
    const indicator = indicatorFor(provider, { READINESS_CACHE_MS: '20' });
    await indicator.isReady();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await indicator.isReady();
    expect(provider.calls).toBe(2);
  });

  it('shares one backend check between concurrent probes', async () => {
    let release: (value: ModelStatus) => void = () => undefined;
    const provider = new StatusProvider(() => new Promise<ModelStatus>((resolve) => (release = resolve)));
    const indicator = indicatorFor(provider, { READINESS_CACHE_MS: '0', HEALTH_CHECK_TIMEOUT_MS: '5000' });
    const probes = Promise.all([indicator.isReady(), indicator.isReady(), indicator.isReady()]);
    await new Promise((resolve) => setImmediate(resolve));
    release(status({ loaded: true }));
    const results = await probes;
    expect(provider.calls).toBe(1);
    expect(results.map((r) => r.inference.status)).toEqual(['up', 'up', 'up']);
  });

  it('recovers: a down result is not kept past the cache period', async () => {
    let reachable = false;
    const provider = new StatusProvider(() =>
      Promise.resolve(
        reachable ? status({}) : { reachable: false, present: false, loaded: false, available: [] },
      ),
    );
    const indicator = indicatorFor(provider, { READINESS_CACHE_MS: '0' });
    await expect(indicator.isReady()).resolves.toMatchObject({ inference: { status: 'down' } });
    reachable = true;
    await expect(indicator.isReady()).resolves.toMatchObject({ inference: { status: 'up' } });
  });
});
