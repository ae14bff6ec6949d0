import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { normaliseModelName, type CatalogEntry, type EmbeddingResult } from '@gateway/inference';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
import { EmbeddingsService } from '../embeddings/embeddings.service';
import { OllamaEmbeddingsRequestDto, OllamaEmbedRequestDto } from './dto/ollama-embed-request.dto';
import { OllamaParamError } from './ollama-param.error';

const NS_PER_MS = 1_000_000;

/**
 * Ollama's embedding routes, /api/embed (batches) and the legacy /api/embeddings (one prompt), through
 * the same embeddings service as /v1/embeddings: timeouts, cancellation, token metrics and per-key usage.
 */
@SpeaksApi('ollama')
@Controller('api')
export class OllamaEmbedController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly embeddings: EmbeddingsService,
    private readonly config: GatewayConfig,
  ) {}

  @Post('embed')
  @HttpCode(200)
  async embed(
    @Body() body: OllamaEmbedRequestDto,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    const started = performance.now();
    const texts = [body.input].flat();
    const limit = this.config.inference.embeddingsMaxInputs;
    if (texts.length > limit) {
      throw new OllamaParamError('input', `input may hold at most ${limit} items per request`);
    }
    const result = await this.run(ctx, body.model, texts, body.dimensions, res);
    return {
      model: normaliseModelName(ctx.model ?? body.model),
      embeddings: result.embeddings,
      total_duration: Math.round((performance.now() - started) * NS_PER_MS),
      prompt_eval_count: result.promptTokens,
    };
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddingsLegacy(
    @Body() body: OllamaEmbeddingsRequestDto,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ embedding: number[] }> {
    const result = await this.run(ctx, body.model, [body.prompt], undefined, res);
    return { embedding: result.embeddings[0] ?? [] };
  }

  /** With a model table, only the rows marked `embeddings: true` embed; a single configured model may. */
  private async run(
    ctx: RequestContext,
    model: string,
    texts: string[],
    dimensions: number | undefined,
    res: Response,
  ): Promise<EmbeddingResult> {
    const request = await this.admission.admitEmbedding(ctx, res, model, (entry: CatalogEntry) => {
      if (this.config.routing.modelsFile && entry.embeddings !== true) {
        throw new OllamaParamError('model', `model '${model}' does not support embeddings`);
      }
      return {
        model: entry.backendModel,
        input: { kind: 'text', texts },
        dimensions,
        contextLength: entry.contextLength,
      };
    });
    return this.embeddings.embed(ctx, request);
  }
}
