import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { SseModule } from '../http/sse.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { CompletionResponder } from './completion-responder';
import { CompletionsController } from './completions.controller';
import { ModelsController } from './models.controller';

/** OpenAI-compatible routes over whichever backend is configured. */
@Module({
  imports: [GenerationModule, SseModule],
  controllers: [ChatCompletionsController, CompletionsController, ModelsController],
  providers: [CompletionResponder],
})
export class OpenAiModule {}
