import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { CompletionsController } from './completions.controller';
import { ModelsController } from './models.controller';

/** OpenAI-compatible routes over whichever backend is configured. */
@Module({
  imports: [GenerationModule],
  controllers: [ChatCompletionsController, CompletionsController, ModelsController],
})
export class OpenAiModule {}
