import type { GatewayConfig } from '@gateway/config';
import { OllamaService, type OllamaServerOptions } from '@gateway/ollama';
import type { BackendSpec } from '@gateway/routing';

/**
 * The backends the configuration names: one per Ollama endpoint, each allowed MAX_INFLIGHT
 * generations, or the embedded engine alone with as many as it has sequences. The embedded engine's
 * library is loaded only when it is configured: an Ollama deployment never loads it.
 */
export async function backendsFor(config: GatewayConfig): Promise<BackendSpec[]> {
  if (config.inference.backend === 'embedded') {
    // A relative module: the build rewrites library aliases in static imports only.
    const { embeddedBackend } = await import('./embedded-backend');
    return [embeddedBackend(config)];
  }
  return config.routing.ollamaHosts.map((host) => ({
    name: host,
    provider: ollamaAt(host, config),
    maxInflight: config.routing.maxInflight,
  }));
}

/** One Ollama server, static or discovered, with what the configuration adds to every generation. */
export function ollamaAt(url: string, config: GatewayConfig): OllamaService {
  const server: OllamaServerOptions = { numThread: config.inference.ollamaNumThread };
  return new OllamaService(url, server);
}
