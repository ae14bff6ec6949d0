import { Body, Controller, Post, Res } from '@nestjs/common';
import type { GenerationResult } from '@gateway/inference';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { GenerationResponder } from '../generation/generation-responder';
import { renameContextParam } from '../http/rename-context-param';
import { ResponsesRequestDto } from './dto/responses-request.dto';
import { toResponsesGenerationRequest } from './responses-request.mapping';
import { ResponseDraft } from './responses-response.mapping';
import { ResponsesSseDialect } from './responses-sse.dialect';

/** OpenAI's Responses API, stateless: every request carries its whole conversation. */
@SpeaksApi('openai')
@Controller('v1')
export class ResponsesController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('responses')
  async create(
    @Body() body: ResponsesRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const request = await this.admission
      .admit(ctx, res, body.model, (entry) => toResponsesGenerationRequest(body, entry.backendModel))
      .catch((error: unknown) => {
        throw renameContextParam(error, 'messages', 'input');
      });
    const draft = new ResponseDraft(body, ctx.model ?? body.model);
    const answer = body.stream
      ? { stream: new ResponsesSseDialect(draft) }
      : { json: (result: GenerationResult) => draft.whole(result) };
    await this.responder.respond(ctx, res, request, answer).catch((error: unknown) => {
      throw renameContextParam(error, 'messages', 'input');
    });
  }
}
