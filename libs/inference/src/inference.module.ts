import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { GatewayMetrics } from '@gateway/metrics';
import { createRoutedProvider } from '@gateway/routing';

import { backendsFor } from './inference-backends';
import { INFERENCE_PROVIDER } from './inference.constants';
import { ModelCatalog } from './model-catalog';
import { OllamaService } from './ollama/ollama.service';
import type { InferenceProvider } from './inference.provider';

/**
 * Binds INFERENCE_PROVIDER to the configured backend(s) behind admission control and routing
 * (in-flight limits, wait queue, balancing, breakers, failover: see @gateway/routing).
 */
@Module({
  providers: [
    {
      provide: INFERENCE_PROVIDER,
      inject: [GatewayConfig, ModelCatalog, GatewayMetrics],
      useFactory: (
        config: GatewayConfig,
        catalog: ModelCatalog,
        metrics: GatewayMetrics,
      ): InferenceProvider =>
        createRoutedProvider(backendsFor(config), {
          routing: config.routing,
          metrics,
          servingEndpoints: (backendModel) => catalog.endpointsFor(backendModel),
          failover: config.inference.backend === 'ollama',
          backendName: config.inference.backend,
          connect: (url) => new OllamaService(url),
          requiredModels: (source) => catalog.backendModelsServedBy(source),
        }),
    },
    ModelCatalog,
  ],
  exports: [INFERENCE_PROVIDER, ModelCatalog],
})
export class InferenceModule {}
