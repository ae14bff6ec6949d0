import { Module } from '@nestjs/common';
import { HealthModule } from '@gateway/health';
import { InferenceModule } from '@gateway/inference';

import { SseStreamer } from '../http/sse-streamer';
import { GenerationResponder } from './generation-responder';
import { GenerationService } from './generation.service';

@Module({
  imports: [InferenceModule, HealthModule],
  providers: [GenerationService, SseStreamer, GenerationResponder],
  exports: [GenerationService, GenerationResponder, InferenceModule],
})
export class GenerationModule {}
