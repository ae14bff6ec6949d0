import type {
  BeforeApplicationShutdown,
  OnApplicationShutdown,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { GenerationCancelledError, InferenceError, UpstreamUnavailableError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  ModelInfo,
  ModelStatus,
} from '@gateway/inference';

import type { AdmissionController, AttemptVerdict } from './admission-controller';
import { embedWithFailover } from './embed-with-failover';
import type { EndpointPool } from './endpoint-pool';
import { backoffMs, isRetryable, verdictOf } from './retry-policy';
import type { UpstreamEndpoint } from './upstream-endpoint';

type BackendHooks = OnModuleInit & OnModuleDestroy & BeforeApplicationShutdown & OnApplicationShutdown;

export interface RoutingOptions {
  /** Extra attempts after a failure before the first event; 0 disables failover. */
  retries: number;
  retryBackoffMs: number;
  /** Names of the endpoints that serve a backend model; undefined means all of them. */
  servingEndpoints: (backendModel: string) => readonly string[] | undefined;
  onRetry: (failed: UpstreamEndpoint) => void;
  /** Keeps the pool in step with DNS, when discovery is on. */
  discovery?: { start(): Promise<void>; stop(): void };
  /** Retry-After when no endpoint serving a model is there (discovery found none yet). */
  noEndpointRetryAfterSeconds?: number;
}

/**
 * The INFERENCE_PROVIDER the app talks to: admission control in front of one or more backend endpoints,
 * least-loaded selection among healthy ones, and failover only while nothing reached the client.
 */
export class RoutedInferenceProvider implements InferenceProvider, OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly pool: EndpointPool,
    private readonly admission: AdmissionController,
    private readonly options: RoutingOptions,
    readonly backendName: string,
  ) {}

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    const tried = new Set<UpstreamEndpoint>();
    // Asked again at each turn of the wait queue: endpoints may join or leave meanwhile.
    const candidates = (): readonly UpstreamEndpoint[] => {
      const serving = this.candidatesFor(request.model);
      // An untried endpoint whose breaker is open takes no requests: preferring it would turn a retry
      // into an immediate "every endpoint is failing" although a tried one may still answer.
      const untried = serving.filter((endpoint) => !tried.has(endpoint) && endpoint.breaker.state !== 'open');
      return untried.length > 0 ? untried : serving;
    };
    for (let retry = 0; ; retry += 1) {
      if (candidates().length === 0) {
        throw new UpstreamUnavailableError('no backend endpoint serving this model is available', {
          retryAfterSeconds: this.options.noEndpointRetryAfterSeconds,
        });
      }
      const lease = await this.admission.acquire(candidates, options.signal);
      // The controller's own figure, so that Server-Timing and the queue-wait metric agree.
      options.onAdmitted?.(lease.waitedMs);
      tried.add(lease.endpoint);
      // One attempt, inline rather than a generator of its own: every event of an answer would pass
      // through one more layer of promises.
      let verdict: AttemptVerdict = 'neutral';
      let started = false;
      let failure: unknown;
      let observed = false;
      let retryable: InferenceError | undefined;
      const observer = options.onAttempt?.(lease.endpoint.name);
      const attemptOptions = observer
        ? { ...options, headers: { ...options.headers, ...observer.headers } }
        : options;
      try {
        for await (const event of lease.endpoint.provider.stream(request, attemptOptions)) {
          started = true;
          if (event.type === 'done') {
            // Consumers may stop pulling once they have `done`, or finish their answer before they
            // close this generator: the slot is freed and the attempt reported before handing it out.
            verdict = 'success';
            lease.release(verdict);
            observer?.end(undefined, event.result);
            observed = true;
            yield event;
            return;
          }
          yield event;
        }
        return;
      } catch (error) {
        failure = error;
        if (!(error instanceof InferenceError)) {
          throw error;
        }
        const cancelled = options.signal?.aborted === true;
        verdict = cancelled ? 'neutral' : verdictOf(error, started);
        if (started || cancelled || !isRetryable(error)) {
          throw error;
        }
        // Nothing reached the consumer: another endpoint may still be tried.
        retryable = error;
      } finally {
        lease.release(verdict);
        if (!observed) {
          observer?.end(failure);
        }
      }
      if (retry >= this.options.retries) {
        throw retryable;
      }
      this.options.onRetry(lease.endpoint);
      await sleep(backoffMs(retry + 1, this.options.retryBackoffMs), options.signal);
    }
  }

  embed(request: EmbeddingRequest, options: GenerationOptions = {}): Promise<EmbeddingResult> {
    return embedWithFailover(
      this.candidatesFor(request.model),
      this.admission,
      this.options,
      request,
      options,
    );
  }

  async listModels(options?: GenerationOptions): Promise<ModelInfo[]> {
    const endpoints = this.pool.current();
    const results = await Promise.allSettled(endpoints.map((e) => e.provider.listModels(options)));
    const found = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    if (results.every((result) => result.status === 'rejected')) {
      throw firstFailure(results);
    }
    return [...new Map(found.map((model) => [model.name, model])).values()];
  }

  /** Ready when at least one endpoint that serves the model answers and has it. */
  async modelStatus(model: string, options?: GenerationOptions): Promise<ModelStatus> {
    const endpoints = this.candidatesFor(model);
    const results = await Promise.allSettled(endpoints.map((e) => e.provider.modelStatus(model, options)));
    const statuses = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (statuses.length === 0) {
      if (endpoints.length === 0) {
        return { reachable: false, present: false, loaded: false, available: [] };
      }
      throw firstFailure(results);
    }
    return {
      reachable: statuses.some((status) => status.reachable),
      present: statuses.some((status) => status.reachable && status.present),
      loaded: statuses.some((status) => status.loaded),
      available: [...new Set(statuses.flatMap((status) => status.available))],
    };
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(
      this.backends().map(async (backend) => {
        await backend.onModuleInit?.();
      }),
    );
    await this.options.discovery?.start();
  }

  /**
   * Backends are not Nest providers themselves, so their hooks are forwarded from here. All of their
   * teardown runs at the very end: after the drain, never under a request still being served.
   */
  async onApplicationShutdown(signal?: string): Promise<void> {
    this.options.discovery?.stop();
    await Promise.all(
      this.backends().map(async (backend) => {
        await backend.onModuleDestroy?.();
        await backend.beforeApplicationShutdown?.(signal);
        await backend.onApplicationShutdown?.(signal);
      }),
    );
  }

  private backends(): Partial<BackendHooks>[] {
    return this.pool.all().map((endpoint) => endpoint.provider as Partial<BackendHooks>);
  }

  /**
   * The endpoints taking requests that serve `model`. A model table names a configured endpoint by
   * its URL and discovered ones by their discovery name (`dns://...`).
   */
  private candidatesFor(model: string): UpstreamEndpoint[] {
    const names = this.options.servingEndpoints(model);
    const endpoints = this.pool.current();
    return names
      ? endpoints.filter(
          (e) => names.includes(e.name) || (e.source !== undefined && names.includes(e.source)),
        )
      : [...endpoints];
  }
}

function firstFailure(results: PromiseSettledResult<unknown>[]): Error {
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  return failed?.reason instanceof Error ? failed.reason : new Error('no backend endpoint answered');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GenerationCancelledError('the request was cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) {
      onAbort();
    } else {
      signal?.addEventListener('abort', onAbort, { once: true });
    }
  });
}
