import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { DrainState } from '@gateway/health';
import {
  INFERENCE_PROVIDER,
  ResultCollector,
  type GenerationEvent,
  type GenerationRequest,
  type GenerationResult,
  type InferenceProvider,
} from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import type { RequestContext } from '@gateway/request-context';

import { GenerationRun, type GenerationRunDeps } from './generation-run';

/**
 * Every generation goes through here, whatever the route or backend: it applies the timeouts, turns a
 * client disconnect into an upstream abort, and records the token and latency metrics in one place
 * (see GenerationRun), and writes the request's timings, usage and streamed-token count into `ctx`.
 */
@Injectable()
export class GenerationService {
  private readonly deps: GenerationRunDeps;

  constructor(
    @Inject(INFERENCE_PROVIDER) provider: InferenceProvider,
    config: GatewayConfig,
    metrics: GatewayMetrics,
    drain: DrainState,
  ) {
    this.deps = { provider, timeouts: config.timeouts, metrics, drain };
  }

  /** The whole answer, joined as the events arrive (no stream layer in between). */
  async generate(ctx: RequestContext, request: GenerationRequest): Promise<GenerationResult> {
    const run = new GenerationRun(this.deps, ctx, request);
    const collector = new ResultCollector();
    try {
      while (true) {
        const result = collector.add(await run.next());
        if (result) {
          return result;
        }
      }
    } catch (error) {
      throw run.failure(error);
    } finally {
      run.close();
    }
  }

  /** The events as they arrive, ending with `done`; a consumer that stops pulling cancels the rest. */
  async *stream(ctx: RequestContext, request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    const run = new GenerationRun(this.deps, ctx, request);
    try {
      while (true) {
        const event = await run.next();
        yield event;
        if (event.type === 'done') {
          return;
        }
      }
    } catch (error) {
      throw run.failure(error);
    } finally {
      run.close();
    }
  }
}
