import {
  GenerationCancelledError,
  InferenceError,
  ModelNotFoundError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamUnavailableError,
} from '../inference.errors';

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
 * Translates whatever the `ollama` client or fetch threw into a domain error.
 * `signal` is the request's own signal: when it fired, its reason explains the abort.
 */
export function toInferenceError(error: unknown, model: string, signal?: AbortSignal): InferenceError {
  if (error instanceof InferenceError) {
    return error;
  }
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof InferenceError
      ? reason
      : new GenerationCancelledError('the request was cancelled', { cause: error });
  }
  const err = error as { name?: string; message?: string; status_code?: number; cause?: unknown };
  if (err?.name === 'ResponseError' && typeof err.status_code === 'number') {
    return fromStatus(err.status_code, err.message ?? '', model, error);
  }
  if (err?.name === 'AbortError') {
    return new GenerationCancelledError('the request was cancelled', { cause: error });
  }
  if (isNetworkFailure(error)) {
    return new UpstreamUnavailableError('the inference backend is unreachable', { cause: error });
  }
  const message = err?.message ?? String(error);
  if (message.startsWith('Did not receive done')) {
    return new UpstreamProtocolError('the inference stream ended before it reported completion', {
      cause: error,
    });
  }
  return new UpstreamProtocolError(`the inference backend failed mid-stream: ${message}`, { cause: error });
}

function fromStatus(status: number, message: string, model: string, cause: unknown): InferenceError {
  if (status === 404) {
    return new ModelNotFoundError(model, { cause });
  }
  if (status === 400 || status === 413 || status === 422) {
    return new UpstreamRejectedError(`the inference backend rejected the request: ${message}`, { cause });
  }
  if (status === 429 || status === 503) {
    return new UpstreamBusyError('the inference backend is busy, try again later', { cause });
  }
  if (status === 499) {
    return new GenerationCancelledError('the request was cancelled', { cause });
  }
  return new UpstreamServerError(`the inference backend failed with status ${status}`, { cause });
}

function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      return true;
    }
    if ((current as Error).message === 'fetch failed') {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
