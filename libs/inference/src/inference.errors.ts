export type InferenceErrorCode =
  | 'upstream_unavailable'
  | 'upstream_busy'
  | 'model_not_found'
  | 'upstream_rejected'
  | 'context_length_exceeded'
  | 'unsupported_parameter'
  | 'upstream_timeout'
  | 'upstream_protocol_error'
  | 'upstream_error'
  | 'unknown_model'
  | 'overloaded'
  | 'cancelled';

/** Base of every failure a backend reports; mapped to HTTP in exactly one place. */
export abstract class InferenceError extends Error {
  abstract readonly code: InferenceErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The backend could not be reached (connection refused, DNS, reset). */
export class UpstreamUnavailableError extends InferenceError {
  readonly code = 'upstream_unavailable';
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

/** The prompt does not fit in the model's context window (OpenAI's code and wording, so clients recognise it). */
export class ContextLengthExceededError extends InferenceError {
  readonly code = 'context_length_exceeded';

  constructor(
    message: string,
    /** The request field that is too long (`messages`, `prompt`, `input`). */
    readonly param: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** OpenAI's wording, with the numbers the gateway knows (an estimate when it could not tokenize). */
  static counted(
    contextLength: number,
    promptTokens: number,
    param: string,
    estimated = false,
  ): ContextLengthExceededError {
    return new ContextLengthExceededError(
      `This model's maximum context length is ${contextLength} tokens. However, your ${param} resulted in ` +
        `${estimated ? 'an estimated ' : ''}${promptTokens} tokens. Please reduce the length of the ${param}.`,
      param,
    );
  }
}

/** The request asks for something this backend or model cannot do; 400 naming the field and the backend. */
export class UnsupportedParameterError extends InferenceError {
  readonly code = 'unsupported_parameter';

  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
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
