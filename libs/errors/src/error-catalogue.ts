/** How a request ended, for the `outcome` label of the request metrics. */
export type RequestOutcome =
  'success' | 'client_error' | 'upstream_error' | 'timeout' | 'cancelled' | 'rejected' | 'internal_error';

/** The error `type` OpenAI's SDKs map to their typed exceptions. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error';

/** Everything every part of the gateway needs to know about one error code. */
export interface ErrorSpec {
  status: number;
  /** Message shown when the thrower gives none; never carries upstream or internal text. */
  message: string;
  outcome: RequestOutcome;
  openAiType: OpenAiErrorType;
  /** Retry-After sent with it, unless the error carries its own. */
  retryAfterSeconds?: number;
  /** Counts against the endpoint that produced it (its circuit breaker). */
  endpointFailure: boolean;
  /** Another attempt, on another endpoint, may succeed (only before anything reached the client). */
  retryable: boolean;
}

type Spec = Omit<ErrorSpec, 'endpointFailure' | 'retryable'> & Partial<ErrorSpec>;

function caller(status: number, message: string, openAiType: OpenAiErrorType): Spec {
  return { status, message, outcome: status === 429 ? 'rejected' : 'client_error', openAiType };
}

/**
 * The one table of error codes. The HTTP body (both shapes), SSE error events, metrics outcomes,
 * Retry-After, the retry policy and the circuit breaker all read it; nothing else decides.
 */
const SPECS = {
  // The caller's request
  bad_request: caller(400, 'the request is not valid', 'invalid_request_error'),
  validation_error: caller(400, 'the request body is not valid', 'invalid_request_error'),
  invalid_value: caller(400, 'a field has a value that is not supported', 'invalid_request_error'),
  json_too_deep: caller(400, 'the JSON body is nested too deeply', 'invalid_request_error'),
  string_too_long: caller(400, 'the JSON body holds a string that is too long', 'invalid_request_error'),
  json_array_too_long: caller(400, 'the JSON body holds a list that is too long', 'invalid_request_error'),
  json_too_many_nodes: caller(400, 'the JSON body holds too many values', 'invalid_request_error'),
  request_timeout: caller(408, 'the request did not arrive in time', 'invalid_request_error'),
  headers_too_large: caller(431, 'the request headers are too large', 'invalid_request_error'),
  payload_too_large: caller(413, 'request body is larger than the configured limit', 'invalid_request_error'),
  unsupported_media_type: caller(
    415,
    'request body must be JSON (Content-Type: application/json)',
    'invalid_request_error',
  ),
  not_found: caller(404, 'no such route', 'not_found_error'),
  method_not_allowed: caller(405, 'method not allowed', 'invalid_request_error'),
  unknown_model: caller(404, 'the model does not exist or is not served here', 'not_found_error'),
  // Who is calling and what they may do
  missing_api_key: caller(
    401,
    'authentication required: send Authorization: Bearer <key> or x-api-key',
    'authentication_error',
  ),
  invalid_api_key: caller(401, 'the API key or token is not valid', 'authentication_error'),
  model_not_allowed: caller(403, 'this key may not use the model', 'permission_error'),
  rate_limit_exceeded: caller(429, 'rate limit reached for this key', 'rate_limit_error'),
  // Generations end at any moment: a short Retry-After finds the freed slot without hammering.
  concurrency_limit_exceeded: {
    ...caller(429, 'this key runs as many generations at once as it may', 'rate_limit_error'),
    retryAfterSeconds: 1,
  },
  request_too_large: caller(429, "the request needs more tokens than this key's limit", 'rate_limit_error'),
  rate_limit_unavailable: {
    status: 503,
    message: 'rate limits cannot be checked right now',
    outcome: 'rejected',
    openAiType: 'api_error',
    retryAfterSeconds: 1,
  },
  // The gateway's own capacity and life cycle
  overloaded: {
    status: 503,
    message: 'the gateway is at capacity; retry later',
    outcome: 'rejected',
    openAiType: 'api_error',
    retryAfterSeconds: 1,
  },
  shutting_down: {
    status: 503,
    message: 'the gateway is shutting down; retry on another replica',
    outcome: 'rejected',
    openAiType: 'api_error',
    retryAfterSeconds: 1,
  },
  cancelled: {
    status: 499,
    message: 'the client cancelled the request',
    outcome: 'cancelled',
    openAiType: 'api_error',
  },
  internal_error: {
    status: 500,
    message: 'internal server error',
    outcome: 'internal_error',
    openAiType: 'api_error',
  },
  // The inference backend
  upstream_unavailable: {
    status: 503,
    message: 'the inference backend is unreachable',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    retryAfterSeconds: 5,
    endpointFailure: true,
    retryable: true,
  },
  upstream_busy: {
    status: 503,
    message: 'the inference backend is busy; retry later',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    retryAfterSeconds: 2,
    retryable: true,
  },
  // The configured model missing on the backend is the server's configuration problem, not the caller's.
  model_not_found: {
    status: 503,
    message: 'the model is not available on the inference backend',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    retryable: true,
  },
  // OpenAI's code and wording, so clients recognise a prompt too long for the model's context.
  context_length_exceeded: caller(
    400,
    "the input is longer than the model's context",
    'invalid_request_error',
  ),
  unsupported_parameter: caller(400, 'this backend or model cannot honour a field', 'invalid_request_error'),
  upstream_rejected: caller(400, 'the inference backend rejected the request', 'invalid_request_error'),
  upstream_timeout: {
    status: 504,
    message: 'the inference backend did not answer in time',
    outcome: 'timeout',
    openAiType: 'api_error',
  },
  upstream_protocol_error: {
    status: 502,
    message: 'the inference backend answered in a way that breaks its protocol',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    endpointFailure: true,
    retryable: true,
  },
  // A redirecting endpoint is misconfigured, not briefly failing: it counts, and is never retried
  // (following it would re-send the prompt to whatever host it names).
  upstream_redirect: {
    status: 502,
    message: 'the inference backend answered with a redirect, which the gateway never follows',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    endpointFailure: true,
  },
  upstream_error: {
    status: 502,
    message: 'the inference backend failed',
    outcome: 'upstream_error',
    openAiType: 'api_error',
    endpointFailure: true,
    retryable: true,
  },
} satisfies Record<string, Spec>;

export type ErrorCode = keyof typeof SPECS;

export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorSpec>> = Object.fromEntries(
  Object.entries(SPECS).map(([code, spec]) => [
    code,
    { endpointFailure: false, retryable: false, ...spec } satisfies ErrorSpec,
  ]),
) as Record<ErrorCode, ErrorSpec>;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}
