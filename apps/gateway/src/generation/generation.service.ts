import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { DrainState } from '@gateway/health';
import {
  collectStream,
  GenerationCancelledError,
  INFERENCE_PROVIDER,
  InferenceError,
  ShuttingDownError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
  type GenerationEvent,
  type GenerationRequest,
  type GenerationResult,
  type InferenceProvider,
} from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import type { RequestContext } from '@gateway/request-context';

import { REQUEST_ID_HEADER } from '../http/request-id';
import { StreamDeadlines } from './stream-deadlines';

/**
 * Every generation goes through here, whatever the route or backend: it applies the timeouts, turns a
 * client disconnect into an upstream abort, and records the token and latency metrics in one place.
 */
@Injectable()
export class GenerationService {
  constructor(
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    private readonly drain: DrainState,
  ) {}

  generate(ctx: RequestContext, request: GenerationRequest): Promise<GenerationResult> {
    return collectStream(this.stream(ctx, request));
  }

  /** Writes the request's timings, usage and streamed-token count into `ctx` as they happen. */
  async *stream(ctx: RequestContext, request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    const labels = { route: ctx.route, model: request.model };
    // Every reason to stop (client gone, a deadline, the drain) goes through `stop`: it aborts the
    // backend call and rejects the event being awaited, with no event listener of our own.
    const abort = new AbortController();
    let rejectPending: ((reason: unknown) => void) | undefined;
    const stop = (reason: InferenceError): void => {
      abort.abort(reason);
      rejectPending?.(reason);
    };
    const stopWatchingClient = ctx.onClientGone(() =>
      stop(new GenerationCancelledError('the client disconnected')),
    );
    // At the drain deadline the generation ends with ShuttingDownError: a terminal event, never a cut.
    const stopWatchingDrain = this.drain.onDeadline(stop);
    const deadlines = new StreamDeadlines(this.config.timeouts, stop);
    const started = performance.now();
    ctx.upstreamStartedAt ??= started;
    const traced = ctx.trace?.generation(request);
    let firstTokenAt: number | undefined;
    /** The backend's last event: where upstream time ends, for the metric and for `ctx` alike. */
    let lastEventAt: number | undefined;
    let finished = false;
    const iterator = this.provider
      .stream(request, {
        signal: abort.signal,
        onAdmitted: (waitedMs) => {
          ctx.queueMs += waitedMs;
          traced?.admitted(waitedMs);
        },
        requestId: ctx.requestId,
        headers: { [REQUEST_ID_HEADER]: ctx.requestId },
        onAttempt: traced?.onAttempt,
      })
      [Symbol.asyncIterator]();
    // `iterator.next()`, rejected as soon as the generation is stopped: timeouts and disconnects stay
    // prompt even if a backend ignores its signal.
    const nextEvent = (): Promise<IteratorResult<GenerationEvent>> => {
      if (abort.signal.aborted) {
        return Promise.reject(abort.signal.reason as Error);
      }
      return new Promise((resolve, reject) => {
        rejectPending = reject;
        iterator.next().then(resolve, reject);
      });
    };
    deadlines.start();
    try {
      while (true) {
        const next = await nextEvent();
        if (next.done) {
          throw new UpstreamProtocolError('the inference stream ended before it reported completion');
        }
        const event = next.value;
        deadlines.progress();
        if (event.type === 'delta') {
          ctx.streamedTokens += 1;
          traced?.delta(event.text, firstTokenAt === undefined);
        }
        // A tool call is the answer's first output as much as a text delta is.
        if (event.type !== 'done' && firstTokenAt === undefined) {
          firstTokenAt = performance.now();
          ctx.ttftMs ??= firstTokenAt - ctx.startedAt;
          this.metrics.timeToFirstToken.observe(labels, (firstTokenAt - started) / 1000);
        }
        if (event.type === 'done') {
          finished = true;
          lastEventAt = performance.now();
          this.recordUsage(labels, event.result, started, firstTokenAt, lastEventAt);
          addUsage(ctx, event.result);
        }
        yield event;
        if (finished) {
          return;
        }
      }
    } catch (error) {
      const failure =
        abort.signal.aborted && abort.signal.reason instanceof InferenceError ? abort.signal.reason : error;
      traced?.failed(failure);
      throw failure;
    } finally {
      deadlines.stop();
      stopWatchingClient();
      stopWatchingDrain();
      if (!finished) {
        this.recordCancellation(labels, abort.signal);
        abort.abort(new GenerationCancelledError('the generation was abandoned'));
      }
      // Always close the backend's iterator, even after `done`, so its own cleanup (freeing a slot
      // or a sequence) runs whether or not it did that work before yielding `done`.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      ctx.upstreamMs += (lastEventAt ?? performance.now()) - started;
    }
  }

  private recordUsage(
    labels: { route: string; model: string },
    result: GenerationResult,
    started: number,
    firstTokenAt: number | undefined,
    now: number,
  ): void {
    this.metrics.promptTokens.inc(labels, result.usage.promptTokens);
    this.metrics.completionTokens.inc(labels, result.usage.completionTokens);
    this.metrics.upstreamDuration.observe(labels, (now - started) / 1000);
    if (firstTokenAt !== undefined && result.usage.completionTokens > 1 && now > firstTokenAt) {
      const rate = (result.usage.completionTokens - 1) / ((now - firstTokenAt) / 1000);
      this.metrics.outputTokensPerSecond.observe(labels, rate);
    }
  }

  private recordCancellation(labels: { route: string; model: string }, signal: AbortSignal): void {
    if (!signal.aborted) {
      return;
    }
    const reason: unknown = signal.reason;
    if (reason instanceof UpstreamTimeoutError) {
      this.metrics.cancellations.inc({ ...labels, reason: 'timeout' });
    } else if (reason instanceof GenerationCancelledError) {
      this.metrics.cancellations.inc({ ...labels, reason: 'client_disconnect' });
    } else if (reason instanceof ShuttingDownError) {
      this.metrics.cancellations.inc({ ...labels, reason: 'shutdown' });
    }
  }
}

/** Usage the backend reported, summed over the request's generations (per-key token settlement). */
function addUsage(ctx: RequestContext, { usage }: GenerationResult): void {
  const seen = ctx.usage ?? { promptTokens: 0, completionTokens: 0 };
  ctx.usage = {
    promptTokens: seen.promptTokens + usage.promptTokens,
    completionTokens: seen.completionTokens + usage.completionTokens,
  };
}
