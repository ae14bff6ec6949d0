import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '@gateway/errors';

export type InferenceErrorCode = Extract<
  ErrorCode,
  | 'upstream_unavailable'
  | 'upstream_busy'
  | 'model_not_found'
  | 'upstream_rejected'
  | 'context_length_exceeded'
  | 'unsupported_parameter'
  | 'upstream_timeout'
  | 'upstream_protocol_error'
  | 'upstream_redirect'
  | 'upstream_error'
  | 'unknown_model'
  | 'overloaded'
  | 'cancelled'
  | 'shutting_down'
>;

/** Base of every failure a backend or the routing in front of it reports; see the error catalogue. */
export abstract class InferenceError extends GatewayError {
  declare readonly code: InferenceErrorCode;

  protected constructor(
    code: InferenceErrorCode,
    message: string | undefined,
    options?: GatewayErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * The backend could not be reached (connection refused, DNS, reset), or every endpoint rests after
 * failures (then `retryAfterSeconds` is the real time to the next attempt).
 */
export class UpstreamUnavailableError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_unavailable', message, options);
  }
}

/** The backend is up but refuses more work right now. */
export class UpstreamBusyError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_busy', message, options);
  }
}

export class ModelNotFoundError extends InferenceError {
  constructor(
    readonly model: string,
    options?: GatewayErrorOptions,
  ) {
    super('model_not_found', `model '${model}' is not available on the inference backend`, options);
  }
}

/** The backend rejected the request's content (bad option, prompt too long for the context...). */
export class UpstreamRejectedError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_rejected', message, options);
  }
}

/** The prompt does not fit in the model's context window (OpenAI's code and wording, so clients recognise it). */
export class ContextLengthExceededError extends InferenceError {
  declare readonly param: string;

  /** `param`: the request field that is too long (`messages`, `prompt`, `input`). */
  constructor(message: string, param: string, options?: { cause?: unknown }) {
    super('context_length_exceeded', message, { ...options, param });
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
  declare readonly param: string;

  constructor(param: string, message: string) {
    super('unsupported_parameter', message, { param });
  }
}

export type TimeoutPhase = 'first_token' | 'idle' | 'total' | 'connect';

export class UpstreamTimeoutError extends InferenceError {
  constructor(
    readonly phase: TimeoutPhase,
    readonly afterMs: number,
  ) {
    super(
      'upstream_timeout',
      `the inference backend did not answer in time (${phase.replace('_', ' ')} timeout after ${afterMs} ms)`,
    );
  }
}

/** The backend answered something that breaks its protocol: an error line mid-stream, a truncated stream. */
export class UpstreamProtocolError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_protocol_error', message, options);
  }
}

/**
 * The backend answered with a redirect. Never followed (it would re-send the prompt to whatever host it
 * names) and never retried: a redirecting endpoint is misconfigured, not briefly failing.
 */
export class UpstreamRedirectError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_redirect', message, options);
  }
}

/** The caller went away; the generation was stopped on purpose. */
export class GenerationCancelledError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('cancelled', message, options);
  }
}

/** The backend failed while handling the request (its own 5xx). */
export class UpstreamServerError extends InferenceError {
  constructor(message?: string, options?: GatewayErrorOptions) {
    super('upstream_error', message, options);
  }
}

/** The caller asked for a model this gateway does not serve (the caller's mistake: 404). */
export class UnknownModelError extends InferenceError {
  constructor(readonly model: string) {
    super('unknown_model', `model '${model}' does not exist or is not served by this gateway`, {
      param: 'model',
    });
  }
}

/** The gateway itself sheds the request: every slot is busy and the wait queue is full or took too long. */
export class OverloadedError extends InferenceError {
  declare readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('overloaded', message, { retryAfterSeconds });
  }
}

/** The gateway's drain deadline passed while the request was still running: another replica takes it. */
export class ShuttingDownError extends InferenceError {
  constructor() {
    super(
      'shutting_down',
      'the gateway is shutting down and could not finish this request in time, retry it',
    );
  }
}
