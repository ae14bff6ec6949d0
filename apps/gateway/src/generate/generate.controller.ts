import { Body, Controller, Post, Res } from '@nestjs/common';
import { Ctx, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { GenerationResponder } from '../generation/generation-responder';
import { GenerateRequestDto } from './dto/generate-request.dto';
import { GenerateSseDialect } from './generate-sse.dialect';
import { toGenerateResponse, toGenerationRequest } from './generate.mapping';

@Controller('v1')
export class GenerateController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly responder: GenerationResponder,
  ) {}

  /** 200, not 201: a generation creates nothing. */
  @Post('generate')
  async generate(
    @Body() body: GenerateRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    const request = await this.admission.admit(ctx, res, undefined, (entry) =>
      toGenerationRequest(body, entry.backendModel),
    );
    const model = ctx.model ?? request.model;
    await this.responder.respond(
      ctx,
      res,
      request,
      body.stream
        ? { stream: new GenerateSseDialect(model) }
        : { json: (result) => toGenerateResponse(body.prompt, result, model) },
    );
  }
}
