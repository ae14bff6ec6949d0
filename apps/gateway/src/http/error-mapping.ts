import { HttpException } from '@nestjs/common';
import { ERROR_CATALOGUE, GatewayError, type ErrorCode } from '@gateway/errors';

import type { ApiError } from './api-error';
import { boundApiError, joinMessages } from './api-error-bounds';

/** Nest's own exceptions (unknown route, validation pipe) by status. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The one place where anything thrown becomes a catalogue entry, a status and a message safe to show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof GatewayError) {
    return build(error.code, error.message, error.param, error.retryAfterSeconds);
  }
  if (error instanceof HttpException) {
    return fromHttpException(error);
  }
  return build('internal_error');
}

function build(code: ErrorCode, message?: string, param?: string, retryAfterSeconds?: number): ApiError {
  const spec = ERROR_CATALOGUE[code];
  // Messages and field names can echo caller input: both are capped.
  return boundApiError({
    status: spec.status,
    code,
    message: message ?? spec.message,
    spec,
    param,
    retryAfterSeconds: retryAfterSeconds ?? spec.retryAfterSeconds,
  });
}

function fromHttpException(error: HttpException): ApiError {
  const status = error.getStatus();
  const body = error.getResponse();
  const details = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const messages = details.message;
  if (status === 400 && Array.isArray(messages)) {
    return build('validation_error', joinMessages(messages), firstField(messages));
  }
  const code = HTTP_STATUS_CODES[status];
  if (code === undefined) {
    return build(status >= 500 ? 'internal_error' : 'bad_request');
  }
  return build(code, typeof messages === 'string' ? messages : error.message);
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
