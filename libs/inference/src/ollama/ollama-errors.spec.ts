import {
  GenerationCancelledError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../inference.errors';
import { toInferenceError } from './ollama-errors';

/** What undici's fetch throws for a network failure: TypeError('fetch failed') with the cause below it. */
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

  it("the client's 'Did not receive done' -> UpstreamProtocolError about a truncated stream", () => {
    const error = toInferenceError(new Error('Did not receive done or success response in stream.'), 'm');
    expect(error).toBeInstanceOf(UpstreamProtocolError);
    expect(error.message).toBe('the inference stream ended before it reported completion');
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
