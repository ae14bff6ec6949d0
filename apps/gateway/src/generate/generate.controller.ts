import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ModelCatalog } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationResponder } from '../generation/generation-responder';
import { GenerateRequestDto } from './dto/generate-request.dto';
import { GenerateSseDialect } from './generate-sse.dialect';
import { toGenerateResponse, toGenerationRequest } from './generate.mapping';

export const GENERATE_ROUTE = '/v1/generate';

@Controller('v1')
export class GenerateController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly responder: GenerationResponder,
  ) {}

  /** 200, not 201: a generation creates nothing. */
  @Post('generate')
  async generate(@Body() body: GenerateRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const model = this.catalog.defaultEntry;
    const request = { ...toGenerationRequest(body, model.backendModel), contextLength: model.contextLength };
    await this.responder.respond(
      req,
      res,
      GENERATE_ROUTE,
      request,
      body.stream
        ? { stream: new GenerateSseDialect(model.id) }
        : { json: (result) => toGenerateResponse(body.prompt, result, model.id) },
    );
  }
}
