import type { ApiFamily, RequestContext } from '@gateway/request-context';
import type { Request } from 'express';

import type { ApiError } from './api-error';

/**
 * A matched route's family comes from its `@SpeaksApi()` metadata. A request no route matched (404) is
 * answered by its path, so clients get their own dialect for a mistyped path: everything under /v1/
 * speaks OpenAI's except the gateway's own /v1/generate; /api/ is Ollama's.
 */
export function apiFamilyOf(req: Pick<Request, 'path'>, ctx: RequestContext | undefined): ApiFamily {
  if (ctx !== undefined && ctx.route !== 'unmatched') {
    return ctx.api;
  }
  if (/^\/api\//i.test(req.path)) {
    return 'ollama';
  }
  return /^\/v1\//i.test(req.path) && !/^\/v1\/generate(\/|$)/i.test(req.path) ? 'openai' : 'gateway';
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
      type: error.spec.openAiType,
      param: error.param ?? null,
      code: error.code,
    },
  };
}

/** The error body in the dialect of the route that failed. */
export function errorBodyFor(family: ApiFamily, error: ApiError, requestId: string | undefined): object {
  switch (family) {
    case 'openai':
      return openAiErrorBody(error);
    case 'ollama':
      return ollamaErrorBody(error);
    case 'gateway':
      return gatewayErrorBody(error, requestId);
  }
}
