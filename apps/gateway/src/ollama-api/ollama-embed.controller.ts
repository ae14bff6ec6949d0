import {
  Body,
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Optional,
  Post,
  Res,
} from '@nestjs/common';
import { ModelCatalog, normaliseModelName, type CatalogEntry } from '@gateway/inference';
import type { Response } from 'express';

import { clientAbortSignal } from '../http/client-abort-signal';
import { OllamaEmbeddingsRequestDto, OllamaEmbedRequestDto } from './dto/ollama-embed-request.dto';
import { EMBEDDER, type EmbeddingAnswer, type Embedder } from './embedder';

const NS_PER_MS = 1_000_000;

/** Ollama's embedding routes: /api/embed (batches) and the legacy /api/embeddings (one prompt). */
@Controller('api')
export class OllamaEmbedController {
  constructor(
    private readonly catalog: ModelCatalog,
    @Optional() @Inject(EMBEDDER) private readonly embedder?: Embedder | null,
  ) {}

  @Post('embed')
  @HttpCode(200)
  async embed(
    @Body() body: OllamaEmbedRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    const started = performance.now();
    const entry = this.embeddingModel(body.model);
    const texts = [body.input].flat();
    const answer = await this.run(entry, texts, body.dimensions, res);
    return {
      model: normaliseModelName(entry.id),
      embeddings: answer.embeddings,
      total_duration: Math.round((performance.now() - started) * NS_PER_MS),
      prompt_eval_count: answer.promptTokens,
    };
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddings(
    @Body() body: OllamaEmbeddingsRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ embedding: number[] }> {
    const entry = this.embeddingModel(body.model);
    const answer = await this.run(entry, [body.prompt], undefined, res);
    return { embedding: answer.embeddings[0] ?? [] };
  }

  private embeddingModel(model: string): CatalogEntry {
    const entry = this.catalog.resolve(model);
    if (entry.embeddings !== true) {
      throw new HttpException(
        {
          code: 'not_an_embedding_model',
          message: `model '${model}' does not support embeddings`,
          param: 'model',
        },
        HttpStatus.BAD_REQUEST,
      );
    }
    return entry;
  }

  private run(
    entry: CatalogEntry,
    texts: string[],
    dimensions: number | undefined,
    res: Response,
  ): Promise<EmbeddingAnswer> {
    if (!this.embedder) {
      throw new HttpException(
        { code: 'embeddings_unavailable', message: 'the configured backend does not compute embeddings' },
        HttpStatus.NOT_IMPLEMENTED,
      );
    }
    return this.embedder.embed(
      {
        model: entry.backendModel,
        input: { kind: 'text', texts },
        dimensions,
        contextLength: entry.contextLength,
      },
      { signal: clientAbortSignal(res) },
    );
  }
}
