import type { GatewayConfig } from '@gateway/config';
import type { BackendSpec } from '@gateway/routing';

import { EmbeddedLlamaService, embeddedOptionsFrom, OllamaService } from '@gateway/inference';

/**
 * The backends the configuration names: one per Ollama endpoint, each allowed MAX_INFLIGHT
 * generations, or the embedded engine alone with as many as it has sequences.
 */
export function backendsFor(config: GatewayConfig): BackendSpec[] {
  if (config.inference.backend === 'embedded') {
    const provider = new EmbeddedLlamaService(embeddedOptionsFrom(config));
    return [{ name: 'embedded', provider, maxInflight: config.inference.embeddedParallel }];
  }
  return config.routing.ollamaHosts.map((host) => ({
    name: host,
    provider: new OllamaService(host),
    maxInflight: config.routing.maxInflight,
  }));
}
