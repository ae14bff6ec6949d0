import {
  GenerationCancelledError,
  UpstreamProtocolError,
  UpstreamRedirectError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import { fromStatus, toInferenceError } from './ollama-errors';

/** A network failure with its code one level down, as fetch-style clients wrap it. */
function fetchFailed(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return new TypeError('fetch failed', { cause });
}

describe('toInferenceError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_SOCKET',
  ])('a network failure (%s) -> UpstreamUnavailableError keeping the cause', (code) => {
    const thrown = fetchFailed(code);
    const error = toInferenceError(thrown, 'm');
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.cause).toBe(thrown);
  });

  it('an abort without a reason of ours -> GenerationCancelledError', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(toInferenceError(abort, 'm')).toBeInstanceOf(GenerationCancelledError);
  });

  it('an abort whose signal carries a domain error -> that error', () => {
    const controller = new AbortController();
    const timeout = new UpstreamTimeoutError('idle', 100);
    controller.abort(timeout);
    expect(toInferenceError(new Error('aborted'), 'm', controller.signal)).toBe(timeout);
  });

  it("an unexpected exception's message stays out of the domain error's message", () => {
    const thrown = new TypeError("Cannot read properties of undefined (reading 'content')");
    const error = toInferenceError(thrown, 'm');
    expect(error).toBeInstanceOf(UpstreamProtocolError);
    expect(error.message).toBe('the inference backend failed mid-stream');
    expect(error.cause).toBe(thrown);
  });

  it('a domain error passes through unchanged', () => {
    const original = new UpstreamUnavailableError('down');
    expect(toInferenceError(original, 'm')).toBe(original);
  });

  it('something thrown that is not an Error still becomes a domain error', () => {
    expect(toInferenceError('weird', 'm')).toBeInstanceOf(UpstreamProtocolError);
    expect(toInferenceError(undefined, 'm')).toBeInstanceOf(UpstreamProtocolError);
  });
});

describe('fromStatus', () => {
  it.each([301, 302, 307, 308])(
    '%i -> UpstreamRedirectError, the target kept for the logs only',
    (status) => {
      const error = fromStatus(status, 'm', '', 'http://elsewhere.example/api/generate');
      expect(error).toBeInstanceOf(UpstreamRedirectError);
      expect(error.message).toBe('the inference backend answered with a redirect');
      expect(String(error.cause)).toContain('elsewhere.example');
    },
  );

  it("keeps Ollama's error text in the cause and a fixed message for the client", () => {
    const error = fromStatus(500, 'm', JSON.stringify({ error: 'CUDA error: out of memory at 0x7f' }));
    expect(error).toBeInstanceOf(UpstreamServerError);
    expect(error.message).toBe('the inference backend failed');
    expect(String(error.cause)).toContain('CUDA error');
  });
});
