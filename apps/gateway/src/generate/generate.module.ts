import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { SseModule } from '../http/sse.module';
import { GenerateController } from './generate.controller';

@Module({
  imports: [GenerationModule, SseModule],
  controllers: [GenerateController],
})
export class GenerateModule {}
