import { Injectable, Logger } from '@nestjs/common';
import { mayUseModel, ModelNotAllowedError } from '@gateway/auth';
import {
  ModelCatalog,
  type CatalogEntry,
  type EmbeddingRequest,
  type GenerationRequest,
} from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import { CallerLimits, estimateInputTokens } from '@gateway/rate-limit';
import { requestLogField, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

/**
 * The admission step, run once per generating request after validation: resolve the model (404),
 * check the caller may use it (403), build the backend request, and reserve the caller's tokens from
 * that typed request's ceiling (429). Settlement happens in the end-of-request step.
 */
@Injectable()
export class AdmissionService {
  private readonly logger = new Logger('Admission');

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly limits: CallerLimits,
    private readonly metrics: GatewayMetrics,
  ) {}

  async admit(
    ctx: RequestContext,
    res: Response,
    requestedModel: string | undefined,
    build: (entry: CatalogEntry) => GenerationRequest,
  ): Promise<GenerationRequest> {
    const entry = this.resolve(ctx, requestedModel);
    const request: GenerationRequest = { ...build(entry), contextLength: entry.contextLength };
    await this.limits.reserve(
      ctx,
      { inputTokens: estimateInputTokens(request.input), maxOutputTokens: request.params.maxTokens },
      res,
    );
    return request;
  }

  /** The same step for an embeddings request: its ceiling is its input (nothing is generated). */
  async admitEmbedding(
    ctx: RequestContext,
    res: Response,
    requestedModel: string | undefined,
    build: (entry: CatalogEntry) => EmbeddingRequest,
  ): Promise<EmbeddingRequest> {
    const entry = this.resolve(ctx, requestedModel);
    const request = build(entry);
    const input = request.input;
    const inputTokens =
      input.kind === 'text'
        ? estimateInputTokens({ kind: 'prompt', prompt: input.texts.join('') })
        : input.tokens.reduce((sum, tokens) => sum + tokens.length, 0);
    await this.limits.reserve(ctx, { inputTokens, maxOutputTokens: 0 }, res);
    return request;
  }

  /** The catalog entry the caller asked for (the default model when it named none). */
  resolve(ctx: RequestContext, requestedModel: string | undefined): CatalogEntry {
    const entry = this.catalog.resolve(requestedModel);
    if (!mayUseModel(ctx.caller, entry.id, this.catalog)) {
      this.metrics.authRejections.inc({ reason: 'model_not_allowed' });
      this.logger.warn(
        requestLogField(ctx.requestId),
        `key ${ctx.caller?.id ?? '?'} asked for a model it may not use`,
      );
      throw new ModelNotAllowedError(entry.id);
    }
    ctx.model = entry.id;
    return entry;
  }
}
