import type { ApiError } from './api-error';

export type ErrorShape = 'openai' | 'ollama' | 'gateway';

/**
 * Which dialect a path's errors are told in (matched like Express: any case). Everything under /v1/
 * speaks OpenAI's, unknown paths included, except the gateway's own /v1/generate; /api/ is Ollama's.
 */
export function errorShapeOf(path: string): ErrorShape {
  if (/^\/api\//i.test(path)) {
    return 'ollama';
  }
  if (/^\/v1\//i.test(path) && !/^\/v1\/generate\/?$/i.test(path)) {
    return 'openai';
  }
  return 'gateway';
}

/** Ollama's API: `{"error": "<message>"}`, whatever the status. */
export function ollamaErrorBody(error: ApiError): object {
  return { error: error.message };
}

/** Our API: `{error: {code, message, request_id}}`. */
export function gatewayErrorBody(error: ApiError, requestId: string | undefined): object {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.param ? { param: error.param } : {}),
      request_id: requestId,
    },
  };
}

/** OpenAI's API: `{error: {message, type, param, code}}`, which its SDKs turn into typed errors. */
export function openAiErrorBody(error: ApiError): object {
  return {
    error: {
      message: error.message,
      type: openAiType(error.status),
      param: error.param ?? null,
      code: error.code,
    },
  };
}

function openAiType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** The error body in the dialect of the route that failed. */
export function errorBodyFor(path: string, error: ApiError, requestId: string | undefined): object {
  switch (errorShapeOf(path)) {
    case 'openai':
      return openAiErrorBody(error);
    case 'ollama':
      return ollamaErrorBody(error);
    case 'gateway':
      return gatewayErrorBody(error, requestId);
  }
}
