import type {
  BeforeApplicationShutdown,
  OnApplicationShutdown,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { collectStream } from '@gateway/inference';
import { GenerationCancelledError, InferenceError, UnknownModelError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  GenerationResult,
  ModelInfo,
  ModelStatus,
} from '@gateway/inference';

import type { AdmissionController, AttemptVerdict, Lease } from './admission-controller';
import { embedWithFailover } from './embed-with-failover';
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
}

/**
 * The INFERENCE_PROVIDER the app talks to: admission control in front of one or more backend endpoints,
 * least-loaded selection among healthy ones, and failover only while nothing reached the client.
 */
export class RoutedInferenceProvider implements InferenceProvider, OnModuleInit, OnApplicationShutdown {
  readonly backendName: string;

  constructor(
    private readonly endpoints: readonly UpstreamEndpoint[],
    private readonly admission: AdmissionController,
    private readonly options: RoutingOptions,
  ) {
    this.backendName = endpoints[0].provider.backendName;
  }

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    const candidates = this.candidatesFor(request.model);
    const tried = new Set<UpstreamEndpoint>();
    for (let retry = 0; ; retry += 1) {
      // An untried endpoint whose breaker is open takes no requests: preferring it would turn a retry
      // into an immediate "every endpoint is failing" although a tried one may still answer.
      const untried = candidates.filter(
        (endpoint) => !tried.has(endpoint) && endpoint.breaker.state !== 'open',
      );
      const waitStarted = performance.now();
      const lease = await this.admission.acquire(untried.length > 0 ? untried : candidates, options.signal);
      options.onAdmitted?.(performance.now() - waitStarted);
      tried.add(lease.endpoint);
      const failure = yield* this.attempt(lease, request, options);
      if (!failure) {
        return;
      }
      if (retry >= this.options.retries) {
        throw failure;
      }
      this.options.onRetry(lease.endpoint);
      await sleep(backoffMs(retry + 1, this.options.retryBackoffMs), options.signal);
    }
  }

  generate(request: GenerationRequest, options?: GenerationOptions): Promise<GenerationResult> {
    return collectStream(this.stream(request, options));
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
    const results = await Promise.allSettled(this.endpoints.map((e) => e.provider.listModels(options)));
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
  }

  /**
   * Backends are not Nest providers themselves, so their hooks are forwarded from here. All of their
   * teardown runs at the very end: after the drain, never under a request still being served.
   */
  async onApplicationShutdown(signal?: string): Promise<void> {
    await Promise.all(
      this.backends().map(async (backend) => {
        await backend.onModuleDestroy?.();
        await backend.beforeApplicationShutdown?.(signal);
        await backend.onApplicationShutdown?.(signal);
      }),
    );
  }

  /** Streams one attempt; returns the failure when another endpoint may still be tried. */
  private async *attempt(
    lease: Lease,
    request: GenerationRequest,
    options: GenerationOptions,
  ): AsyncGenerator<GenerationEvent, InferenceError | undefined> {
    let verdict: AttemptVerdict = 'neutral';
    let started = false;
    try {
      for await (const event of lease.endpoint.provider.stream(request, options)) {
        started = true;
        if (event.type === 'done') {
          // Consumers may stop pulling once they have `done`, so the slot is freed before handing it out.
          verdict = 'success';
          lease.release(verdict);
          yield event;
          return undefined;
        }
        yield event;
      }
      return undefined;
    } catch (error) {
      if (!(error instanceof InferenceError)) {
        throw error;
      }
      const cancelled = options.signal?.aborted === true;
      verdict = cancelled ? 'neutral' : verdictOf(error);
      if (started || cancelled || !isRetryable(error)) {
        throw error;
      }
      return error;
    } finally {
      lease.release(verdict);
    }
  }

  private backends(): Partial<BackendHooks>[] {
    return this.endpoints.map((endpoint) => endpoint.provider as Partial<BackendHooks>);
  }

  private candidatesFor(model: string): UpstreamEndpoint[] {
    const names = this.options.servingEndpoints(model);
    const endpoints = names ? this.endpoints.filter((e) => names.includes(e.name)) : [...this.endpoints];
    if (endpoints.length === 0) {
      throw new UnknownModelError(model);
    }
    return endpoints;
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
