import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ModelCatalog } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationResponder } from '../generation/generation-responder';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { toChatGenerationRequest } from './openai-request.mapping';
import { newIdentity, toChatCompletion } from './openai-response.mapping';
import { ChatChunkDialect } from './openai-sse.dialect';

export const CHAT_COMPLETIONS_ROUTE = '/v1/chat/completions';

@Controller('v1')
export class ChatCompletionsController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('chat/completions')
  async create(
    @Body() body: ChatCompletionRequestDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const entry = this.catalog.resolve(body.model);
    const request = {
      ...toChatGenerationRequest(body, entry.backendModel),
      contextLength: entry.contextLength,
    };
    const identity = newIdentity('chatcmpl', entry.id);
    const includeUsage = body.stream_options?.include_usage === true;
    await this.responder.respond(
      req,
      res,
      CHAT_COMPLETIONS_ROUTE,
      request,
      body.stream
        ? { stream: new ChatChunkDialect(identity, includeUsage) }
        : { json: (result) => toChatCompletion(identity, result) },
    );
  }
}
