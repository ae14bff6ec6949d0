import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { EmbeddedLlamaService } from './embedded/embedded-llama.service';
import { embeddedOptionsFrom } from './embedded/embedded-options';
import { INFERENCE_PROVIDER } from './inference.constants';
import { ModelCatalog } from './model-catalog';
import type { InferenceProvider } from './inference.provider';
import { OllamaService } from './ollama/ollama.service';

/** Binds INFERENCE_PROVIDER to the backend the configuration names. */
@Module({
  providers: [
    {
      provide: INFERENCE_PROVIDER,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig): InferenceProvider =>
        config.inference.backend === 'embedded'
          ? new EmbeddedLlamaService(embeddedOptionsFrom(config))
          : new OllamaService(config.inference.ollamaHost),
    },
    ModelCatalog,
  ],
  exports: [INFERENCE_PROVIDER, ModelCatalog],
})
export class InferenceModule {}
