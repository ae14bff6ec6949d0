import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { ModelCatalog } from '@gateway/inference';
import type { Response } from 'express';

import { clientAbortSignal } from '../http/client-abort-signal';
import { OpenAiParamError } from '../openai/openai-param.error';
import { EmbeddingsRequestDto } from './dto/embeddings-request.dto';
import { inputCount, toEmbeddingInput, toOpenAiEmbeddings } from './embeddings.mapping';
import { EmbeddingsService } from './embeddings.service';

export const EMBEDDINGS_ROUTE = '/v1/embeddings';

@Controller('v1')
export class EmbeddingsController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly embeddings: EmbeddingsService,
    private readonly config: GatewayConfig,
  ) {}

  /** With a model table, only the rows marked `embeddings: true` embed; a single configured model may. */
  @Post('embeddings')
  @HttpCode(200)
  async create(
    @Body() body: EmbeddingsRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    const entry = this.catalog.resolve(body.model);
    if (this.config.routing.modelsFile && entry.embeddings !== true) {
      throw new OpenAiParamError('model', `model '${entry.id}' is not an embedding model`);
    }
    const input = toEmbeddingInput(body.input);
    const limit = this.config.inference.embeddingsMaxInputs;
    if (inputCount(input) > limit) {
      throw new OpenAiParamError('input', `input may hold at most ${limit} items per request`);
    }
    const result = await this.embeddings.embed(
      EMBEDDINGS_ROUTE,
      {
        model: entry.backendModel,
        input,
        dimensions: body.dimensions ?? undefined,
        contextLength: entry.contextLength,
      },
      clientAbortSignal(res),
    );
    return toOpenAiEmbeddings(result, entry.id, body.encoding_format ?? 'float');
  }
}
