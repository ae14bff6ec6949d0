import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ModelCatalog } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationService } from '../generation/generation.service';
import { clientAbortSignal } from '../http/client-abort-signal';
import { SseStreamer } from '../http/sse-streamer';
import { GenerateRequestDto } from './dto/generate-request.dto';
import { GenerateSseDialect } from './generate-sse.dialect';
import { toGenerateResponse, toGenerationRequest } from './generate.mapping';

export const GENERATE_ROUTE = '/v1/generate';

@Controller('v1')
export class GenerateController {
  constructor(
    private readonly generation: GenerationService,
    private readonly catalog: ModelCatalog,
    private readonly sse: SseStreamer,
  ) {}

  /** 200, not 201: a generation creates nothing. */
  @Post('generate')
  async generate(@Body() body: GenerateRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const model = this.catalog.defaultEntry;
    const request = toGenerationRequest(body, model.backendModel);
    const signal = clientAbortSignal(res);
    if (body.stream) {
      const events = this.generation.stream(GENERATE_ROUTE, request, signal);
      return this.sse.relay(req, res, GENERATE_ROUTE, events, new GenerateSseDialect(model.id));
    }
    const result = await this.generation.generate(GENERATE_ROUTE, request, signal);
    res.status(200).json(toGenerateResponse(body.prompt, result, model.id));
  }
}
