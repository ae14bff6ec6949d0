import { Body, Controller, Post, Res } from '@nestjs/common';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { GenerationResponder } from '../generation/generation-responder';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { toChatGenerationRequest } from './openai-request.mapping';
import { newIdentity, toChatCompletion } from './openai-response.mapping';
import { ChatChunkDialect } from './openai-sse.dialect';

@SpeaksApi('openai')
@Controller('v1')
export class ChatCompletionsController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly responder: GenerationResponder,
  ) {}

  @Post('chat/completions')
  async create(
    @Body() body: ChatCompletionRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const request = await this.admission.admit(ctx, res, body.model, (entry) =>
      toChatGenerationRequest(body, entry.backendModel),
    );
    const identity = newIdentity('chatcmpl', ctx.model ?? body.model);
    const includeUsage = body.stream_options?.include_usage === true;
    await this.responder.respond(
      ctx,
      res,
      request,
      body.stream
        ? { stream: new ChatChunkDialect(identity, includeUsage) }
        : { json: (result) => toChatCompletion(identity, result) },
    );
  }
}
