import type { ApiFamily, RequestContext } from '@gateway/request-context';
import type { Request } from 'express';

import type { ApiError } from './api-error';

/**
 * A matched route's family comes from its `@SpeaksApi()` metadata. A request no route matched (404)
 * is answered by its path, so OpenAI clients get OpenAI's shape for a mistyped `/v1/...` path.
 */
export function apiFamilyOf(req: Pick<Request, 'path'>, ctx: RequestContext | undefined): ApiFamily {
  if (ctx !== undefined && ctx.route !== 'unmatched') {
    return ctx.api;
  }
  return /^\/v1\//i.test(req.path) && !/^\/v1\/generate(\/|$)/i.test(req.path) ? 'openai' : 'gateway';
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
