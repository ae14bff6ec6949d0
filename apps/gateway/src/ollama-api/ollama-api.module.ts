import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';

import { EmbeddingsService } from '../embeddings/embeddings.service';
import { GenerationModule } from '../generation/generation.module';
import { NdjsonStreamer } from './ndjson-streamer';
import { OllamaApiGateMiddleware } from './ollama-api-gate.middleware';
import { OllamaEmbedController } from './ollama-embed.controller';
import { OllamaGenerationController } from './ollama-generation.controller';
import { OllamaModelsController } from './ollama-models.controller';
import { OllamaResponder } from './ollama-responder';
import { OllamaRootController } from './ollama-root.controller';

/** Ollama's native API (/api/chat, /api/generate, /api/tags...) over whichever backend is configured. */
@Module({
  imports: [GenerationModule],
  controllers: [
    OllamaGenerationController,
    OllamaEmbedController,
    OllamaModelsController,
    OllamaRootController,
  ],
  providers: [NdjsonStreamer, OllamaResponder, EmbeddingsService],
})
export class OllamaApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Only Ollama's paths pay for the gate.
    consumer.apply(OllamaApiGateMiddleware).forRoutes('api', 'api/{*path}');
  }
}
