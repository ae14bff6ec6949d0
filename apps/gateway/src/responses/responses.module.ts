import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { ResponsesController } from './responses.controller';

/** OpenAI's Responses API over whichever backend is configured. */
@Module({
  imports: [GenerationModule],
  controllers: [ResponsesController],
})
export class ResponsesModule {}
