import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '@gateway/inference';

import { HealthController } from './health.controller';
import { InferenceHealthIndicator } from './inference.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), InferenceModule],
  controllers: [HealthController],
  providers: [InferenceHealthIndicator],
  exports: [InferenceHealthIndicator],
})
export class HealthModule {}
