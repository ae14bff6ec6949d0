import type { GatewayConfig } from '@gateway/config';
import { EmbeddedLlamaService, embeddedOptionsFrom } from '@gateway/embedded';
import type { BackendSpec } from '@gateway/routing';

/** The embedded engine as the only backend, with as many generations at once as it has sequences. */
export function embeddedBackend(config: GatewayConfig): BackendSpec {
  const provider = new EmbeddedLlamaService(embeddedOptionsFrom(config));
  return { name: 'embedded', provider, maxInflight: config.inference.embeddedParallel };
}
