import { Module } from '@nestjs/common';
import { InferenceModule } from '@gateway/inference';

import { EmbeddingsController } from './embeddings.controller';
import { EmbeddingsService } from './embeddings.service';

/** OpenAI's `/v1/embeddings` over whichever backend is configured. */
@Module({
  imports: [InferenceModule],
  controllers: [EmbeddingsController],
  providers: [EmbeddingsService],
})
export class EmbeddingsModule {}
