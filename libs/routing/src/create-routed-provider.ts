import type { RoutingConfig } from '@gateway/config';
import type { InferenceProvider } from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';

import { AdmissionController, SHED_REASONS, type AdmissionObserver } from './admission-controller';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';
import { discoveryFor } from './discovery/discovery-for';
import { EndpointPool } from './endpoint-pool';
import { RoutedInferenceProvider } from './routed-inference-provider';
import type { SharedSlots } from './shared-slots';
import { UpstreamEndpoint } from './upstream-endpoint';

const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export interface BackendSpec {
  /** Configured URL, or `embedded`; used as the metrics label. */
  name: string;
  provider: InferenceProvider;
  maxInflight: number;
}

export interface RoutedProviderOptions {
  routing: RoutingConfig;
  metrics: GatewayMetrics;
  /** Endpoint URLs or discovery names (`dns://...`) serving a backend model; undefined means all. */
  servingEndpoints: (backendModel: string) => readonly string[] | undefined;
  /** False for a single engine with nothing to fail over to: no breaker, no retries. */
  failover: boolean;
  backendName: string;
  /** A backend for an address discovery found (required when OLLAMA_DISCOVERY is set). */
  connect?: (url: string) => InferenceProvider;
  /** Backend models an endpoint found under a discovery name must have before it takes requests. */
  requiredModels?: (source: string) => readonly string[];
  /** Endpoint slots held across replicas; absent, each replica has MAX_INFLIGHT per endpoint. */
  sharedSlots?: SharedSlots;
}

/** Wraps backend providers in admission control, balancing, circuit breakers and failover. */
export function createRoutedProvider(
  backends: readonly BackendSpec[],
  options: RoutedProviderOptions,
): RoutedInferenceProvider {
  const { routing, metrics, servingEndpoints, failover } = options;
  const endpointFor = (
    name: string,
    provider: InferenceProvider,
    maxInflight: number,
    source?: string,
  ): UpstreamEndpoint => {
    const breaker = new CircuitBreaker(
      {
        failureThreshold: failover ? routing.breakerFailureThreshold : Number.POSITIVE_INFINITY,
        cooldownMs: routing.breakerCooldownMs,
        probeIntervalMs: routing.breakerProbeIntervalMs,
      },
      (state) => metrics.circuitState.set({ endpoint: name }, CIRCUIT_GAUGE[state]),
    );
    return new UpstreamEndpoint(name, provider, maxInflight, breaker, source);
  };
  const configured = backends.map((backend) => {
    const endpoint = endpointFor(backend.name, backend.provider, backend.maxInflight);
    startSeries(metrics, endpoint);
    return endpoint;
  });
  // Series exist from the start, so rate() and alerts see 0 rather than nothing.
  for (const reason of SHED_REASONS) {
    metrics.loadShed.inc({ reason }, 0);
  }
  const pool = new EndpointPool(configured);
  const admission = new AdmissionController(
    { maxQueue: routing.maxQueue, maxQueueWaitMs: routing.maxQueueWaitMs },
    metricsObserver(metrics, pool),
    options.sharedSlots,
  );
  pool.setHooks({
    joined: (endpoint) => {
      startSeries(metrics, endpoint);
      admission.capacityChanged();
    },
    finished: (endpoint) => forget(metrics, endpoint),
  });
  const discovery = discoveryFor(routing.discovery, {
    pool,
    metrics,
    createEndpoint: (url, source) =>
      endpointFor(url, connectOrThrow(options, url), routing.maxInflight, source),
    requiredModels: options.requiredModels ?? (() => []),
    discard: (endpoint) => forget(metrics, endpoint),
  });
  return new RoutedInferenceProvider(
    pool,
    admission,
    {
      retries: failover ? routing.upstreamRetries : 0,
      retryBackoffMs: routing.retryBackoffMs,
      servingEndpoints,
      onRetry: (failed) => metrics.upstreamRetries.inc({ endpoint: failed.name }),
      discovery,
      noEndpointRetryAfterSeconds: Math.max(1, Math.ceil(routing.discovery.intervalMs / 1000)),
    },
    options.backendName,
  );
}

function connectOrThrow(options: RoutedProviderOptions, url: string): InferenceProvider {
  if (!options.connect) {
    throw new Error('endpoint discovery needs a backend factory');
  }
  return options.connect(url);
}

function startSeries(metrics: GatewayMetrics, endpoint: UpstreamEndpoint): void {
  const labels = { endpoint: endpoint.name };
  metrics.circuitState.set(labels, CIRCUIT_GAUGE[endpoint.breaker.state]);
  metrics.upstreamInflight.set(labels, endpoint.inflight);
  metrics.upstreamRetries.inc(labels, 0);
}

/** A discovered endpoint is gone for good: close its connections and drop its series (addresses churn). */
function forget(metrics: GatewayMetrics, endpoint: UpstreamEndpoint): void {
  const labels = { endpoint: endpoint.name };
  metrics.circuitState.remove(labels);
  metrics.upstreamInflight.remove(labels);
  metrics.upstreamRetries.remove(labels);
  const closable = endpoint.provider as { onApplicationShutdown?: () => Promise<void> | void };
  void Promise.resolve(closable.onApplicationShutdown?.()).catch(() => undefined);
}

function metricsObserver(metrics: GatewayMetrics, pool: EndpointPool): AdmissionObserver {
  return {
    queueDepth: (depth) => metrics.queueDepth.set(depth),
    waited: (seconds) => metrics.queueWait.observe(seconds),
    shed: (reason) => metrics.loadShed.inc({ reason }),
    inflight: (endpoint) => {
      metrics.upstreamInflight.set({ endpoint: endpoint.name }, endpoint.inflight);
      // A retired endpoint is forgotten once its last generation ends.
      pool.released(endpoint);
    },
  };
}
