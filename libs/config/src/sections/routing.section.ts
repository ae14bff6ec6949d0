import { RoutingEnv } from '../env/routing.env';
import type { RoutingConfig } from '../gateway-config';
import { normaliseOllamaHost } from '../ollama-host';
import { parseSection, type SectionContext } from '../parse-section';
import { buildDiscoveryConfig } from './discovery.section';

/**
 * `ollamaHost` is the already-normalised OLLAMA_HOST, the single endpoint when neither OLLAMA_HOSTS
 * nor OLLAMA_DISCOVERY is set.
 */
export function buildRoutingConfig({ env, problems }: SectionContext, ollamaHost: string): RoutingConfig {
  const routing = parseSection(RoutingEnv, env, problems);
  const discovery = buildDiscoveryConfig(env, problems);
  const fallback = discovery.sources.length > 0 ? [] : [ollamaHost];
  return {
    ollamaHosts: routing.OLLAMA_HOSTS ? normaliseHosts(routing.OLLAMA_HOSTS, problems) : fallback,
    discovery,
    maxInflight: routing.MAX_INFLIGHT,
    maxQueue: routing.MAX_QUEUE,
    maxQueueWaitMs: routing.MAX_QUEUE_WAIT_MS,
    modelsFile: routing.MODELS_FILE,
    breakerFailureThreshold: routing.BREAKER_FAILURE_THRESHOLD,
    breakerCooldownMs: routing.BREAKER_COOLDOWN_MS,
    breakerProbeIntervalMs: routing.BREAKER_PROBE_INTERVAL_MS,
    upstreamRetries: routing.UPSTREAM_RETRIES,
    retryBackoffMs: routing.RETRY_BACKOFF_MS,
  };
}

function normaliseHosts(raw: string[], problems: string[]): string[] {
  const hosts: string[] = [];
  for (const [index, entry] of raw.entries()) {
    try {
      const host = normaliseOllamaHost(entry);
      if (hosts.includes(host)) {
        problems.push(`OLLAMA_HOSTS: ${host} is listed twice`);
      } else {
        hosts.push(host);
      }
    } catch (error) {
      problems.push(`OLLAMA_HOSTS: entry ${index + 1}: ${(error as Error).message}`);
    }
  }
  if (raw.length === 0) {
    problems.push('OLLAMA_HOSTS: must list at least one endpoint when set');
  }
  return hosts;
}
