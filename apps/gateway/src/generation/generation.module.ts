import { Module } from '@nestjs/common';
import { InferenceModule } from '@gateway/inference';

import { GenerationService } from './generation.service';

@Module({
  imports: [InferenceModule],
  providers: [GenerationService],
  exports: [GenerationService, InferenceModule],
})
export class GenerationModule {}
