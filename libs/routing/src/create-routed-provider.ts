import type { RoutingConfig } from '@gateway/config';
import type { InferenceProvider } from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';

import { AdmissionController, SHED_REASONS, type AdmissionObserver } from './admission-controller';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';
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
  servingEndpoints: (backendModel: string) => readonly string[] | undefined;
  /** False for a single engine with nothing to fail over to: no breaker, no retries. */
  failover: boolean;
  /** Endpoint slots held across replicas; absent, each replica has MAX_INFLIGHT per endpoint. */
  sharedSlots?: SharedSlots;
}

/** Wraps backend providers in admission control, balancing, circuit breakers and failover. */
export function createRoutedProvider(
  backends: readonly BackendSpec[],
  { routing, metrics, servingEndpoints, failover, sharedSlots }: RoutedProviderOptions,
): RoutedInferenceProvider {
  const endpoints = backends.map((backend) => {
    const labels = { endpoint: backend.name };
    const breaker = new CircuitBreaker(
      {
        failureThreshold: failover ? routing.breakerFailureThreshold : Number.POSITIVE_INFINITY,
        cooldownMs: routing.breakerCooldownMs,
      },
      (state) => metrics.circuitState.set(labels, CIRCUIT_GAUGE[state]),
    );
    metrics.circuitState.set(labels, CIRCUIT_GAUGE.closed);
    metrics.upstreamInflight.set(labels, 0);
    metrics.upstreamRetries.inc(labels, 0);
    return new UpstreamEndpoint(backend.name, backend.provider, backend.maxInflight, breaker);
  });
  // Series exist from the start, so rate() and alerts see 0 rather than nothing.
  for (const reason of SHED_REASONS) {
    metrics.loadShed.inc({ reason }, 0);
  }
  const admission = new AdmissionController(
    { maxQueue: routing.maxQueue, maxQueueWaitMs: routing.maxQueueWaitMs },
    metricsObserver(metrics),
    sharedSlots,
  );
  return new RoutedInferenceProvider(endpoints, admission, {
    retries: failover ? routing.upstreamRetries : 0,
    retryBackoffMs: routing.retryBackoffMs,
    servingEndpoints,
    onRetry: (failed) => metrics.upstreamRetries.inc({ endpoint: failed.name }),
  });
}

function metricsObserver(metrics: GatewayMetrics): AdmissionObserver {
  return {
    queueDepth: (depth) => metrics.queueDepth.set(depth),
    waited: (seconds) => metrics.queueWait.observe(seconds),
    shed: (reason) => metrics.loadShed.inc({ reason }),
    inflight: (endpoint) => metrics.upstreamInflight.set({ endpoint: endpoint.name }, endpoint.inflight),
  };
}
