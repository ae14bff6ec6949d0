import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { INFERENCE_PROVIDER, ModelCatalog, type InferenceProvider } from '@gateway/inference';
import { LEASE_SEMAPHORE, LeasesModule, type LeaseSemaphore } from '@gateway/leases';
import { GatewayMetrics } from '@gateway/metrics';
import { createRoutedProvider, endpointSlotsAcrossReplicas } from '@gateway/routing';

import { backendsFor, ollamaAt } from './backends';

/**
 * The composition root of inference: binds INFERENCE_PROVIDER to the configured backend(s) behind
 * admission control and routing (in-flight limits, wait queue, balancing, breakers, failover: see
 * @gateway/routing).
 */
@Global()
@Module({
  imports: [LeasesModule],
  providers: [
    {
      provide: INFERENCE_PROVIDER,
      inject: [GatewayConfig, ModelCatalog, GatewayMetrics, LEASE_SEMAPHORE],
      useFactory: async (
        config: GatewayConfig,
        catalog: ModelCatalog,
        metrics: GatewayMetrics,
        semaphore: LeaseSemaphore,
      ): Promise<InferenceProvider> =>
        createRoutedProvider(await backendsFor(config), {
          routing: config.routing,
          metrics,
          servingEndpoints: (backendModel) => catalog.endpointsFor(backendModel),
          failover: config.inference.backend === 'ollama',
          backendName: config.inference.backend,
          connect: (url) => ollamaAt(url, config),
          requiredModels: (source) => catalog.backendModelsServedBy(source),
          sharedSlots: endpointSlotsAcrossReplicas(config, semaphore, () => metrics.slotStoreErrors.inc()),
        }),
    },
    ModelCatalog,
  ],
  exports: [INFERENCE_PROVIDER, ModelCatalog],
})
export class BackendsModule {}
