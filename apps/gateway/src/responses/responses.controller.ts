import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ModelCatalog, type GenerationResult } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationResponder } from '../generation/generation-responder';
import { renameContextParam } from '../http/rename-context-param';
import { ResponsesRequestDto } from './dto/responses-request.dto';
import { toResponsesGenerationRequest } from './responses-request.mapping';
import { ResponseDraft } from './responses-response.mapping';
import { ResponsesSseDialect } from './responses-sse.dialect';

export const RESPONSES_ROUTE = '/v1/responses';

/** OpenAI's Responses API, stateless: every request carries its whole conversation. */
@Controller('v1')
export class ResponsesController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('responses')
  async create(@Body() body: ResponsesRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const entry = this.catalog.resolve(body.model);
    const request = {
      ...toResponsesGenerationRequest(body, entry.backendModel),
      contextLength: entry.contextLength,
    };
    const draft = new ResponseDraft(body, entry.id);
    const answer = body.stream
      ? { stream: new ResponsesSseDialect(draft) }
      : { json: (result: GenerationResult) => draft.whole(result) };
    await this.responder.respond(req, res, RESPONSES_ROUTE, request, answer).catch((error: unknown) => {
      throw renameContextParam(error, 'messages', 'input');
    });
  }
}
