import { HttpException, HttpStatus } from '@nestjs/common';
import {
  ContextLengthExceededError,
  InferenceError,
  OverloadedError,
  UnsupportedParameterError,
  type InferenceErrorCode,
} from '@gateway/inference';

import type { ApiError } from './api-error';

const INFERENCE_STATUS: Record<InferenceErrorCode, number> = {
  upstream_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  upstream_busy: HttpStatus.SERVICE_UNAVAILABLE,
  // The configured model missing is the server's configuration problem, not the caller's.
  model_not_found: HttpStatus.SERVICE_UNAVAILABLE,
  upstream_rejected: HttpStatus.BAD_REQUEST,
  context_length_exceeded: HttpStatus.BAD_REQUEST,
  unsupported_parameter: HttpStatus.BAD_REQUEST,
  upstream_timeout: HttpStatus.GATEWAY_TIMEOUT,
  upstream_protocol_error: HttpStatus.BAD_GATEWAY,
  upstream_error: HttpStatus.BAD_GATEWAY,
  cancelled: 499,
  unknown_model: HttpStatus.NOT_FOUND,
  // Capacity, not the caller's quota: 429 stays reserved for per-key rate limits.
  overloaded: HttpStatus.SERVICE_UNAVAILABLE,
};

const RETRYABLE_AFTER_SECONDS: Partial<Record<InferenceErrorCode, number>> = {
  upstream_unavailable: 5,
  upstream_busy: 2,
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** The one place where anything thrown becomes a status, a code and a message safe to show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof InferenceError) {
    return {
      status: INFERENCE_STATUS[error.code],
      code: error.code,
      message: error.message,
      ...(hasParam(error) ? { param: error.param } : {}),
      retryAfterSeconds:
        error instanceof OverloadedError ? error.retryAfterSeconds : RETRYABLE_AFTER_SECONDS[error.code],
    };
  }
  if (error instanceof HttpException) {
    return fromHttpException(error);
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'internal_error',
    message: 'internal server error',
  };
}

/** Errors about one request field name it, as OpenAI's `param`. */
function hasParam(error: InferenceError): error is InferenceError & { param: string } {
  return error instanceof ContextLengthExceededError || error instanceof UnsupportedParameterError;
}

function fromHttpException(error: HttpException): ApiError {
  const status = error.getStatus();
  const body = error.getResponse();
  const details = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const messages = details.message;
  if (status === Number(HttpStatus.BAD_REQUEST) && Array.isArray(messages)) {
    return {
      status,
      code: 'validation_error',
      message: messages.map(String).join('; '),
      param: firstField(messages),
    };
  }
  const code = typeof details.code === 'string' ? details.code : (HTTP_CODES[status] ?? `http_${status}`);
  const message = typeof messages === 'string' ? messages : error.message;
  const retryAfter = typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined;
  const param = typeof details.param === 'string' ? details.param : undefined;
  return { status, code, message, param, retryAfterSeconds: retryAfter };
}

/**
 * class-validator messages start with the property path (`max_tokens must not be...`); unknown fields
 * read `property x should not exist`, nested ones `messages.0.property x should not exist`.
 */
function firstField(messages: unknown[]): string | undefined {
  const first = messages.find((m): m is string => typeof m === 'string');
  const match = first?.replace(/^((?:[A-Za-z0-9_[\]]+\.)*)property /, '$1').match(/^([A-Za-z0-9_.[\]]+)/);
  return match?.[1];
}
