import { Module } from '@nestjs/common';
import { HealthModule } from '@gateway/health';
import { RateLimitModule } from '@gateway/rate-limit';

import { AdmissionService } from '../admission/admission.service';
import { SseStreamer } from '../http/sse-streamer';
import { GenerationResponder } from './generation-responder';
import { GenerationService } from './generation.service';

@Module({
  imports: [RateLimitModule, HealthModule],
  providers: [AdmissionService, GenerationService, SseStreamer, GenerationResponder],
  exports: [AdmissionService, GenerationService, GenerationResponder],
})
export class GenerationModule {}
