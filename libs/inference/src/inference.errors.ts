export type InferenceErrorCode =
  | 'upstream_unavailable'
  | 'upstream_busy'
  | 'model_not_found'
  | 'upstream_rejected'
  | 'upstream_timeout'
  | 'upstream_protocol_error'
  | 'upstream_error'
  | 'unknown_model'
  | 'overloaded'
  | 'cancelled'
  | 'shutting_down';

/** Base of every failure a backend reports; mapped to HTTP in exactly one place. */
export abstract class InferenceError extends Error {
  abstract readonly code: InferenceErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The backend could not be reached (connection refused, DNS, reset), or is resting after failures. */
export class UpstreamUnavailableError extends InferenceError {
  readonly code = 'upstream_unavailable';
  /** When the gateway will try the backend again, if it knows (a breaker's remaining rest). */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The backend is up but refuses more work right now. */
export class UpstreamBusyError extends InferenceError {
  readonly code = 'upstream_busy';
}

export class ModelNotFoundError extends InferenceError {
  readonly code = 'model_not_found';

  constructor(
    readonly model: string,
    options?: { cause?: unknown },
  ) {
    super(`model '${model}' is not available on the inference backend`, options);
  }
}

/** The backend rejected the request's content (bad option, prompt too long for the context...). */
export class UpstreamRejectedError extends InferenceError {
  readonly code = 'upstream_rejected';
}

export type TimeoutPhase = 'first_token' | 'idle' | 'total' | 'connect';

export class UpstreamTimeoutError extends InferenceError {
  readonly code = 'upstream_timeout';

  constructor(
    readonly phase: TimeoutPhase,
    readonly afterMs: number,
  ) {
    super(
      `the inference backend did not answer in time (${phase.replace('_', ' ')} timeout after ${afterMs} ms)`,
    );
  }
}

/** The backend answered something that breaks its protocol: an error line mid-stream, a truncated stream. */
export class UpstreamProtocolError extends InferenceError {
  readonly code = 'upstream_protocol_error';
}

/** The caller went away; the generation was stopped on purpose. */
export class GenerationCancelledError extends InferenceError {
  readonly code = 'cancelled';
}

/** The backend failed while handling the request (its own 5xx). */
export class UpstreamServerError extends InferenceError {
  readonly code = 'upstream_error';
}

/** The caller asked for a model this gateway does not serve (the caller's mistake: 404). */
export class UnknownModelError extends InferenceError {
  readonly code = 'unknown_model';

  constructor(readonly model: string) {
    super(`model '${model}' does not exist or is not served by this gateway`);
  }
}

/** The gateway itself sheds the request: every slot is busy and the wait queue is full or took too long. */
export class OverloadedError extends InferenceError {
  readonly code = 'overloaded';

  constructor(
    message: string,
    /** When a retry is likely to find room. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The gateway's drain deadline passed while the request was still running: another replica takes it. */
export class ShuttingDownError extends InferenceError {
  readonly code = 'shutting_down';
  /** Other replicas are ready at once; a client retrying after a second lands on one of them. */
  readonly retryAfterSeconds = 1;

  constructor() {
    super('the gateway is shutting down and could not finish this request in time, retry it');
  }
}
