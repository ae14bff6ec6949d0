import type { GatewayConfig } from '@gateway/config';
import { EmbeddedLlamaService, embeddedOptionsFrom, OllamaService } from '@gateway/inference';
import type { BackendSpec } from '@gateway/routing';

/**
 * The backends the configuration names: one per Ollama endpoint, each allowed MAX_INFLIGHT
 * generations, or the embedded engine alone with as many as it has sequences.
 */
export function backendsFor(config: GatewayConfig): BackendSpec[] {
  if (config.inference.backend === 'embedded') {
    const provider = new EmbeddedLlamaService(embeddedOptionsFrom(config));
    return [{ name: 'embedded', provider, maxInflight: config.inference.embeddedParallel }];
  }
  const server = { numThread: config.inference.ollamaNumThread };
  return config.routing.ollamaHosts.map((host) => ({
    name: host,
    provider: new OllamaService(host, server),
    maxInflight: config.routing.maxInflight,
  }));
}
