import type { TimeoutsConfig } from '@gateway/config';
import type { DrainState } from '@gateway/health';
import {
  GenerationCancelledError,
  InferenceError,
  ShuttingDownError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
  type GenerationEvent,
  type GenerationRequest,
  type GenerationResult,
  type InferenceProvider,
} from '@gateway/inference';
import type { GatewayMetrics } from '@gateway/metrics';
import type { RequestContext } from '@gateway/request-context';

import { REQUEST_ID_HEADER } from '../http/request-id';
import { StreamDeadlines } from './stream-deadlines';

export interface GenerationRunDeps {
  provider: InferenceProvider;
  timeouts: TimeoutsConfig;
  metrics: GatewayMetrics;
  drain: DrainState;
}

/**
 * One generation, pulled event by event: the backend call, its deadlines, the client and drain
 * watches, and the request's timings, usage and metrics as the events pass. Whoever pulls (a stream
 * relay or a whole-answer collector) calls `next` until `done`, `failure` on an error, and `close`
 * always; there is no generator layer of its own between the backend and the consumer.
 */
export class GenerationRun {
  private readonly labels: { route: string; model: string };
  // Every reason to stop (client gone, a deadline, the drain) goes through `stop`: it aborts the
  // backend call and rejects the event being awaited, with no event listener of our own.
  private readonly abort = new AbortController();
  private rejectPending?: (reason: unknown) => void;
  private readonly stopWatchingClient: () => void;
  private readonly stopWatchingDrain: () => void;
  private readonly deadlines: StreamDeadlines;
  private readonly started = performance.now();
  private readonly traced: ReturnType<NonNullable<RequestContext['trace']>['generation']> | undefined;
  private readonly iterator: AsyncIterator<GenerationEvent>;
  private firstTokenAt?: number;
  /** The backend's last event: where upstream time ends, for the metric and for `ctx` alike. */
  private lastEventAt?: number;
  private finished = false;

  constructor(
    private readonly deps: GenerationRunDeps,
    private readonly ctx: RequestContext,
    request: GenerationRequest,
  ) {
    this.labels = { route: ctx.route, model: request.model };
    const stop = (reason: InferenceError): void => {
      this.abort.abort(reason);
      this.rejectPending?.(reason);
    };
    this.stopWatchingClient = ctx.onClientGone(() =>
      stop(new GenerationCancelledError('the client disconnected')),
    );
    // At the drain deadline the generation ends with ShuttingDownError: a terminal event, never a cut.
    this.stopWatchingDrain = deps.drain.onDeadline(stop);
    this.deadlines = new StreamDeadlines(deps.timeouts, stop);
    ctx.upstreamStartedAt ??= this.started;
    this.traced = ctx.trace?.generation(request);
    const traced = this.traced;
    this.iterator = deps.provider
      .stream(request, {
        signal: this.abort.signal,
        onAdmitted: (waitedMs) => {
          ctx.queueMs += waitedMs;
          traced?.admitted(waitedMs);
        },
        requestId: ctx.requestId,
        headers: { [REQUEST_ID_HEADER]: ctx.requestId },
        onAttempt: traced?.onAttempt,
      })
      [Symbol.asyncIterator]();
    this.deadlines.start();
  }

  /**
   * The next event, with its bookkeeping done; `done` is the last one. Rejected as soon as the run is
   * stopped, so timeouts and disconnects stay prompt even if a backend ignores its signal. (One
   * promise per event, not an async function awaiting another: this runs for every token.)
   */
  next(): Promise<GenerationEvent> {
    const { signal } = this.abort;
    if (signal.aborted) {
      return Promise.reject(signal.reason as Error);
    }
    return new Promise((resolve, reject) => {
      this.rejectPending = reject;
      this.iterator.next().then((next) => {
        try {
          resolve(this.observe(next));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }, reject);
    });
  }

  /** What to throw for `error`: the reason the run was stopped, when it was, which the trace records. */
  failure(error: unknown): unknown {
    const { signal } = this.abort;
    const failure = signal.aborted && signal.reason instanceof InferenceError ? signal.reason : error;
    this.traced?.failed(failure);
    return failure;
  }

  /** Ends the run, finished or not: deadlines and watches off, the backend's iterator closed. */
  close(): void {
    this.deadlines.stop();
    this.stopWatchingClient();
    this.stopWatchingDrain();
    if (!this.finished) {
      this.recordCancellation();
      this.abort.abort(new GenerationCancelledError('the generation was abandoned'));
    }
    // Always close the backend's iterator, even after `done`, so its own cleanup (freeing a slot
    // or a sequence) runs whether or not it did that work before yielding `done`.
    void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
    this.ctx.upstreamMs += (this.lastEventAt ?? performance.now()) - this.started;
  }

  private observe(next: IteratorResult<GenerationEvent>): GenerationEvent {
    if (next.done) {
      throw new UpstreamProtocolError('the inference stream ended before it reported completion');
    }
    const event = next.value;
    this.deadlines.progress();
    if (event.type === 'delta') {
      this.ctx.streamedTokens += 1;
      this.traced?.delta(event.text, this.firstTokenAt === undefined);
    }
    // A tool call is the answer's first output as much as a text delta is.
    if (event.type !== 'done' && this.firstTokenAt === undefined) {
      this.firstTokenAt = performance.now();
      this.ctx.ttftMs ??= this.firstTokenAt - this.ctx.startedAt;
      this.deps.metrics.timeToFirstToken.observe(this.labels, (this.firstTokenAt - this.started) / 1000);
    }
    if (event.type === 'done') {
      this.finished = true;
      this.lastEventAt = performance.now();
      this.recordUsage(event.result, this.lastEventAt);
      addUsage(this.ctx, event.result);
    }
    return event;
  }

  private recordUsage(result: GenerationResult, now: number): void {
    const { metrics } = this.deps;
    metrics.promptTokens.inc(this.labels, result.usage.promptTokens);
    metrics.completionTokens.inc(this.labels, result.usage.completionTokens);
    metrics.upstreamDuration.observe(this.labels, (now - this.started) / 1000);
    const { firstTokenAt } = this;
    if (firstTokenAt !== undefined && result.usage.completionTokens > 1 && now > firstTokenAt) {
      const rate = (result.usage.completionTokens - 1) / ((now - firstTokenAt) / 1000);
      metrics.outputTokensPerSecond.observe(this.labels, rate);
    }
  }

  private recordCancellation(): void {
    const { signal } = this.abort;
    if (!signal.aborted) {
      return;
    }
    const reason: unknown = signal.reason;
    const { cancellations } = this.deps.metrics;
    if (reason instanceof UpstreamTimeoutError) {
      cancellations.inc({ ...this.labels, reason: 'timeout' });
    } else if (reason instanceof GenerationCancelledError) {
      cancellations.inc({ ...this.labels, reason: 'client_disconnect' });
    } else if (reason instanceof ShuttingDownError) {
      cancellations.inc({ ...this.labels, reason: 'shutdown' });
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
