import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import {
  GenerationCancelledError,
  INFERENCE_PROVIDER,
  UnsupportedParameterError,
  UpstreamTimeoutError,
  type EmbeddingRequest,
  type EmbeddingResult,
  type InferenceProvider,
} from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import type { RequestContext } from '@gateway/request-context';

/**
 * Every embeddings call: bounded by the first-token timeout (an embedding is all "first token"), stopped
 * when the client leaves, and counted in the same token metrics and per-key usage as generations.
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  async embed(ctx: RequestContext, request: EmbeddingRequest): Promise<EmbeddingResult> {
    if (!this.provider.embed) {
      throw new UnsupportedParameterError('model', `the ${this.provider.backendName} backend cannot embed`);
    }
    const abort = new AbortController();
    const timeoutMs = this.config.timeouts.firstTokenMs;
    const timer = setTimeout(
      () => abort.abort(new UpstreamTimeoutError('first_token', timeoutMs)),
      timeoutMs,
    );
    const stopWatchingClient = ctx.onClientGone(() =>
      abort.abort(new GenerationCancelledError('the client disconnected')),
    );
    const started = performance.now();
    try {
      const result = await this.provider.embed(request, { signal: abort.signal, requestId: ctx.requestId });
      const labels = { route: ctx.route, model: request.model };
      this.metrics.promptTokens.inc(labels, result.promptTokens);
      this.metrics.upstreamDuration.observe(labels, (performance.now() - started) / 1000);
      const seen = ctx.usage ?? { promptTokens: 0, completionTokens: 0 };
      ctx.usage = { ...seen, promptTokens: seen.promptTokens + result.promptTokens };
      return result;
    } catch (error) {
      throw abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : error;
    } finally {
      clearTimeout(timer);
      stopWatchingClient();
      ctx.upstreamMs += performance.now() - started;
    }
  }
}
