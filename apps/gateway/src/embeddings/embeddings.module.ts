import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { EmbeddingsController } from './embeddings.controller';
import { EmbeddingsService } from './embeddings.service';

/** OpenAI's `/v1/embeddings` over whichever backend is configured. */
@Module({
  imports: [GenerationModule],
  controllers: [EmbeddingsController],
  providers: [EmbeddingsService],
})
export class EmbeddingsModule {}
