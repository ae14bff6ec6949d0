import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ModelCatalog } from '@gateway/inference';
import type { Response } from 'express';

import { GenerationService } from '../generation/generation.service';
import { clientAbortSignal } from '../http/client-abort-signal';
import { GenerateRequestDto } from './dto/generate-request.dto';
import { toGenerateResponse, toGenerationRequest, type GenerateResponseBody } from './generate.mapping';

export const GENERATE_ROUTE = '/v1/generate';

@Controller('v1')
export class GenerateController {
  constructor(
    private readonly generation: GenerationService,
    private readonly catalog: ModelCatalog,
  ) {}

  /** 200, not 201: a generation creates nothing. */
  @Post('generate')
  @HttpCode(HttpStatus.OK)
  async generate(
    @Body() body: GenerateRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GenerateResponseBody> {
    const request = toGenerationRequest(body, this.catalog.defaultEntry.backendModel);
    const result = await this.generation.generate(GENERATE_ROUTE, request, clientAbortSignal(res));
    return toGenerateResponse(body.prompt, result);
  }
}
