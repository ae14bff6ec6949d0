import { Body, Controller, Post, Res } from '@nestjs/common';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { GenerationResponder } from '../generation/generation-responder';
import { CompletionRequestDto } from './dto/completion-request.dto';
import { toCompletionGenerationRequest } from './openai-request.mapping';
import { newIdentity, toTextCompletion } from './openai-response.mapping';
import { TextCompletionChunkDialect } from './openai-sse.dialect';

@SpeaksApi('openai')
@Controller('v1')
export class CompletionsController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('completions')
  async create(
    @Body() body: CompletionRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const request = await this.admission.admit(ctx, res, body.model, (entry) =>
      toCompletionGenerationRequest(body, entry.backendModel),
    );
    const identity = newIdentity('cmpl', ctx.model ?? body.model);
    const includeUsage = body.stream_options?.include_usage === true;
    await this.responder.respond(
      ctx,
      res,
      request,
      body.stream
        ? { stream: new TextCompletionChunkDialect(identity, includeUsage) }
        : { json: (result) => toTextCompletion(identity, result) },
    );
  }
}
