import {
  GenerationCancelledError,
  InferenceError,
  ModelNotFoundError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRedirectError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import { truncate, upstreamDetail } from './upstream-detail';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Translates whatever the transport threw into a domain error. `signal` is the request's own signal:
 * when it fired, its reason explains the abort. Messages are fixed per case; what actually happened
 * (a socket error's text, an exception's message) stays in `cause`, for the logs only.
 */
export function toInferenceError(error: unknown, _model: string, signal?: AbortSignal): InferenceError {
  if (error instanceof InferenceError) {
    return error;
  }
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof InferenceError
      ? reason
      : new GenerationCancelledError('the request was cancelled', { cause: error });
  }
  if ((error as { name?: unknown })?.name === 'AbortError') {
    return new GenerationCancelledError('the request was cancelled', { cause: error });
  }
  if (isNetworkFailure(error)) {
    return new UpstreamUnavailableError('the inference backend is unreachable', { cause: error });
  }
  return new UpstreamProtocolError('the inference backend failed mid-stream', { cause: error });
}

/**
 * The domain error for a non-2xx answer (Ollama matches on status, not on its message text). `body`
 * is the start of the error body, kept for the logs; `location` is a redirect's target.
 */
export function fromStatus(status: number, model: string, body = '', location = ''): InferenceError {
  const cause = upstreamDetail(`status ${status}: ${errorText(body)}${location && ` -> ${location}`}`);
  if (status >= 300 && status < 400) {
    return new UpstreamRedirectError('the inference backend answered with a redirect', { cause });
  }
  if (status === 404) {
    return new ModelNotFoundError(model, { cause });
  }
  if (status === 400 || status === 413 || status === 422) {
    return new UpstreamRejectedError('the inference backend rejected the request', { cause });
  }
  if (status === 429 || status === 503) {
    return new UpstreamBusyError('the inference backend is busy, try again later', { cause });
  }
  if (status === 499) {
    return new GenerationCancelledError('the request was cancelled', { cause });
  }
  return new UpstreamServerError('the inference backend failed', { cause });
}

/** Ollama's `{"error": "..."}`, or the start of whatever else came (a proxy's HTML, a bare 403). */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed?.error === 'string') {
      return truncate(parsed.error);
    }
  } catch {
    // not JSON: fall through
  }
  return truncate(body);
}

function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
