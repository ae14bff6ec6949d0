import type { RequestOutcome } from '@gateway/errors';
import type { AttemptObserver, GenerationRequest } from '@gateway/inference';

/**
 * A request's trace, present on its context only when tracing is on: with tracing off nothing of it
 * is allocated and the pipeline's `ctx.trace?.…` calls do nothing.
 */
export interface RequestTrace {
  /** 32 hex digits: the caller's trace id when it sent a `traceparent`, else a new one. */
  readonly traceId: string;
  /** Follows one generation of this request (its queue wait, attempts, first token, result). */
  generation(request: GenerationRequest): GenerationTrace;
  /** Ends the request's span; called once by the end-of-request step. */
  end(status: number, outcome: RequestOutcome, details: { route: string; callerId?: string }): void;
}

export interface GenerationTrace {
  /** A backend slot was granted after `waitedMs`. */
  admitted(waitedMs: number): void;
  /** Passed to the backend router as GenerationOptions.onAttempt. */
  readonly onAttempt: (endpoint: string) => AttemptObserver;
  /** A text delta was relayed (`first` for the first one of the request). */
  delta(text: string, first: boolean): void;
  /** The generation failed; when no slot had been granted yet, the wait is recorded as failed. */
  failed(error: unknown): void;
}
