import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { GatewayError } from '@gateway/errors';

import type { ApiError } from './api-error';
import { apiFamilyOf, gatewayErrorBody, openAiErrorBody } from './error-body';
import { toApiError } from './error-mapping';
import { requestIdOf } from './request-id';

type ClientSocket = Duplex & { _httpMessage?: ServerResponse | null };

/**
 * Node's `clientError` handler: a request that timed out or could not be parsed gets the gateway's JSON
 * error body (Node's default is an empty 400/408) and its connection is closed. Mirrors Node's caution:
 * nothing is written once a response has started on the socket.
 */
export function respondToClientError(error: Error & { code?: string }, socket: ClientSocket): void {
  const inFlight = socket._httpMessage ?? undefined;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(rawResponse(describe(error), inFlight?.req));
  }
  socket.destroy();
}

function describe(error: { code?: string }): ApiError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return toApiError(new GatewayError('request_timeout'));
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return toApiError(new GatewayError('headers_too_large'));
  }
  return toApiError(new GatewayError('bad_request', 'the request is not valid HTTP'));
}

function rawResponse(error: ApiError, req: IncomingMessage | undefined): string {
  const openAi = req !== undefined && apiFamilyOf({ path: pathOf(req) ?? '' }, undefined) === 'openai';
  const requestId = req ? requestIdOf(req) : undefined;
  const body = JSON.stringify(openAi ? openAiErrorBody(error) : gatewayErrorBody(error, requestId));
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    ...(requestId ? [`X-Request-Id: ${requestId}`] : []),
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Express rewrites `url` while a request passes mounted middleware; `originalUrl` keeps it. */
function pathOf(req: IncomingMessage): string | undefined {
  const { originalUrl } = req as IncomingMessage & { originalUrl?: unknown };
  const url = typeof originalUrl === 'string' ? originalUrl : req.url;
  return url?.split('?')[0];
}
