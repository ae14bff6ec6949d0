import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import {
  ModelCatalog,
  normaliseModelName,
  type CatalogEntry,
  type EmbeddingResult,
} from '@gateway/inference';
import type { Response } from 'express';

import { EmbeddingsService } from '../embeddings/embeddings.service';
import { clientAbortSignal } from '../http/client-abort-signal';
import { OllamaEmbeddingsRequestDto, OllamaEmbedRequestDto } from './dto/ollama-embed-request.dto';
import { OllamaParamError } from './ollama-param.error';

export const OLLAMA_EMBED_ROUTE = '/api/embed';
export const OLLAMA_EMBEDDINGS_ROUTE = '/api/embeddings';

const NS_PER_MS = 1_000_000;

/**
 * Ollama's embedding routes, /api/embed (batches) and the legacy /api/embeddings (one prompt), through
 * the same embeddings service as /v1/embeddings: timeouts, cancellation, token metrics and per-key usage.
 */
@Controller('api')
export class OllamaEmbedController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly embeddings: EmbeddingsService,
    private readonly config: GatewayConfig,
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
    const limit = this.config.inference.embeddingsMaxInputs;
    if (texts.length > limit) {
      throw new OllamaParamError('input', `input may hold at most ${limit} items per request`);
    }
    const result = await this.run(OLLAMA_EMBED_ROUTE, entry, texts, body.dimensions, res);
    return {
      model: normaliseModelName(entry.id),
      embeddings: result.embeddings,
      total_duration: Math.round((performance.now() - started) * NS_PER_MS),
      prompt_eval_count: result.promptTokens,
    };
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddingsLegacy(
    @Body() body: OllamaEmbeddingsRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ embedding: number[] }> {
    const entry = this.embeddingModel(body.model);
    const result = await this.run(OLLAMA_EMBEDDINGS_ROUTE, entry, [body.prompt], undefined, res);
    return { embedding: result.embeddings[0] ?? [] };
  }

  /** With a model table, only the rows marked `embeddings: true` embed; a single configured model may. */
  private embeddingModel(model: string): CatalogEntry {
    const entry = this.catalog.resolve(model);
    if (this.config.routing.modelsFile && entry.embeddings !== true) {
      throw new OllamaParamError('model', `model '${model}' does not support embeddings`);
    }
    return entry;
  }

  private run(
    route: string,
    entry: CatalogEntry,
    texts: string[],
    dimensions: number | undefined,
    res: Response,
  ): Promise<EmbeddingResult> {
    return this.embeddings.embed(
      route,
      {
        model: entry.backendModel,
        input: { kind: 'text', texts },
        dimensions,
        contextLength: entry.contextLength,
      },
      clientAbortSignal(res),
    );
  }
}
