import type { ApiError } from './api-error';

/** Routes that speak OpenAI's dialect answer errors in OpenAI's shape (matched like Express: any case). */
export function isOpenAiRoute(path: string): boolean {
  return /^\/v1\/(chat\/completions|completions|models|embeddings)(\/|$)/i.test(path);
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
