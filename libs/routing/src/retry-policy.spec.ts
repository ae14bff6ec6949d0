import {
  GenerationCancelledError,
  ModelNotFoundError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRedirectError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';

import { backoffMs, isRetryable, verdictOf } from './retry-policy';

describe('retry policy', () => {
  it('counts only the endpoint own failures before its first token against it', () => {
    expect(verdictOf(new UpstreamUnavailableError('down'), false)).toBe('failure');
    expect(verdictOf(new UpstreamServerError('500'), false)).toBe('failure');
    expect(verdictOf(new UpstreamRedirectError('307'), false)).toBe('failure');
    expect(verdictOf(new UpstreamProtocolError('not ndjson'), false)).toBe('failure');
    expect(verdictOf(new UpstreamBusyError('busy'), false)).toBe('neutral');
    expect(verdictOf(new UpstreamRejectedError('400'), false)).toBe('neutral');
    expect(verdictOf(new ModelNotFoundError('m'), false)).toBe('neutral');
    expect(verdictOf(new GenerationCancelledError('gone'), false)).toBe('neutral');
    expect(verdictOf(new UpstreamTimeoutError('first_token', 10), false)).toBe('neutral');
  });

  it('does not blame the endpoint for one prompt failing mid-stream', () => {
    expect(verdictOf(new UpstreamProtocolError('error line after tokens'), true)).toBe('neutral');
    expect(verdictOf(new UpstreamUnavailableError('reset mid-stream'), true)).toBe('neutral');
    expect(verdictOf(new UpstreamServerError('500'), true)).toBe('neutral');
  });

  it('retries failures another endpoint may not have, never the caller own mistakes', () => {
    expect(isRetryable(new UpstreamUnavailableError('down'))).toBe(true);
    expect(isRetryable(new UpstreamBusyError('busy'))).toBe(true);
    expect(isRetryable(new ModelNotFoundError('m'))).toBe(true);
    expect(isRetryable(new UpstreamRejectedError('400'))).toBe(false);
    expect(isRetryable(new GenerationCancelledError('gone'))).toBe(false);
    expect(isRetryable(new UpstreamTimeoutError('idle', 10))).toBe(false);
  });

  it('never retries a redirect: each attempt would send the whole prompt again', () => {
    expect(isRetryable(new UpstreamRedirectError('307'))).toBe(false);
  });

  it('backs off with full jitter under an exponential, capped ceiling', () => {
    expect(backoffMs(1, 100, () => 0.999)).toBe(99);
    expect(backoffMs(3, 100, () => 0.5)).toBe(200);
    expect(backoffMs(20, 100, () => 0.999)).toBeLessThan(5000);
    expect(backoffMs(2, 100, () => 0)).toBe(0);
  });
});
