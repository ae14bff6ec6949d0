import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { INFERENCE_PROVIDER } from './inference.constants';
import type { InferenceProvider } from './inference.provider';
import { OllamaService } from './ollama/ollama.service';

/** Binds INFERENCE_PROVIDER to the backend the configuration names. */
@Module({
  providers: [
    {
      provide: INFERENCE_PROVIDER,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig): InferenceProvider =>
        new OllamaService(config.inference.ollamaHost),
    },
  ],
  exports: [INFERENCE_PROVIDER],
})
export class InferenceModule {}
