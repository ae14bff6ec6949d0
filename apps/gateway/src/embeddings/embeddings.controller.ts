import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { OpenAiParamError } from '../openai/openai-param.error';
import { EmbeddingsRequestDto } from './dto/embeddings-request.dto';
import { inputCount, toEmbeddingInput, toOpenAiEmbeddings } from './embeddings.mapping';
import { EmbeddingsService } from './embeddings.service';

@SpeaksApi('openai')
@Controller('v1')
export class EmbeddingsController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly embeddings: EmbeddingsService,
    private readonly config: GatewayConfig,
  ) {}

  /** With a model table, only the rows marked `embeddings: true` embed; a single configured model may. */
  @Post('embeddings')
  @HttpCode(200)
  async create(
    @Body() body: EmbeddingsRequestDto,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    const input = toEmbeddingInput(body.input);
    const limit = this.config.inference.embeddingsMaxInputs;
    if (inputCount(input) > limit) {
      throw new OpenAiParamError('input', `input may hold at most ${limit} items per request`);
    }
    const request = await this.admission.admitEmbedding(ctx, res, body.model, (entry) => {
      if (this.config.routing.modelsFile && entry.embeddings !== true) {
        throw new OpenAiParamError('model', `model '${entry.id}' is not an embedding model`);
      }
      return {
        model: entry.backendModel,
        input,
        dimensions: body.dimensions ?? undefined,
        contextLength: entry.contextLength,
      };
    });
    const result = await this.embeddings.embed(ctx, request);
    return toOpenAiEmbeddings(result, ctx.model ?? body.model, body.encoding_format ?? 'float');
  }
}
