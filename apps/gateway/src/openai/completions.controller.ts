import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ModelCatalog } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationResponder } from '../generation/generation-responder';
import { CompletionRequestDto } from './dto/completion-request.dto';
import { toCompletionGenerationRequest } from './openai-request.mapping';
import { newIdentity, toTextCompletion } from './openai-response.mapping';
import { TextCompletionChunkDialect } from './openai-sse.dialect';

export const COMPLETIONS_ROUTE = '/v1/completions';

@Controller('v1')
export class CompletionsController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('completions')
  async create(@Body() body: CompletionRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const entry = this.catalog.resolve(body.model);
    const request = {
      ...toCompletionGenerationRequest(body, entry.backendModel),
      contextLength: entry.contextLength,
    };
    const identity = newIdentity('cmpl', entry.id);
    const includeUsage = body.stream_options?.include_usage === true;
    await this.responder.respond(
      req,
      res,
      COMPLETIONS_ROUTE,
      request,
      body.stream
        ? { stream: new TextCompletionChunkDialect(identity, includeUsage) }
        : { json: (result) => toTextCompletion(identity, result) },
    );
  }
}
