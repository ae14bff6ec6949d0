import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { DrainHealthIndicator } from './drain.health';
import { DrainState } from './drain.state';
import { HealthController } from './health.controller';
import { InferenceHealthIndicator } from './inference.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [InferenceHealthIndicator, DrainHealthIndicator, DrainState],
  exports: [InferenceHealthIndicator, DrainState],
})
export class HealthModule {}
