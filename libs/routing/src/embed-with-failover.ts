import { InferenceError, UnsupportedParameterError, GenerationCancelledError } from '@gateway/inference';
import type { EmbeddingRequest, EmbeddingResult, GenerationOptions } from '@gateway/inference';

import type { AdmissionController, AttemptVerdict } from './admission-controller';
import type { RoutingOptions } from './routed-inference-provider';
import { backoffMs, isRetryable, verdictOf } from './retry-policy';
import type { UpstreamEndpoint } from './upstream-endpoint';

/**
 * An embeddings call under the same admission control and failover as a generation: it takes a slot on
 * the least-loaded healthy endpoint that serves the model, and a failure another endpoint may not have is
 * retried there.
 */
export async function embedWithFailover(
  candidates: UpstreamEndpoint[],
  admission: AdmissionController,
  routing: RoutingOptions,
  request: EmbeddingRequest,
  options: GenerationOptions,
): Promise<EmbeddingResult> {
  const tried = new Set<UpstreamEndpoint>();
  for (let retry = 0; ; retry += 1) {
    const untried = candidates.filter(
      (endpoint) => !tried.has(endpoint) && endpoint.breaker.state !== 'open',
    );
    const lease = await admission.acquire(untried.length > 0 ? untried : candidates, options.signal);
    tried.add(lease.endpoint);
    const { provider } = lease.endpoint;
    let verdict: AttemptVerdict = 'neutral';
    try {
      if (!provider.embed) {
        throw new UnsupportedParameterError('model', `the ${provider.backendName} backend cannot embed`);
      }
      const result = await provider.embed(request, options);
      verdict = 'success';
      return result;
    } catch (error) {
      if (!(error instanceof InferenceError)) {
        throw error;
      }
      const cancelled = options.signal?.aborted === true;
      verdict = cancelled ? 'neutral' : verdictOf(error, false);
      if (cancelled || !isRetryable(error) || retry >= routing.retries) {
        throw error;
      }
    } finally {
      lease.release(verdict);
    }
    routing.onRetry(lease.endpoint);
    await pause(backoffMs(retry + 1, routing.retryBackoffMs), options.signal);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(new GenerationCancelledError('the request was cancelled'));
  }
  return new Promise((resolve) => setTimeout(resolve, ms));
}
