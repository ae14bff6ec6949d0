import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  GenerationCancelledError,
  UnknownModelError,
  UpstreamBusyError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import { attachContext, RequestContext } from '@gateway/request-context';

import { ErrorFilter } from './error.filter';

/** Just enough of a response to observe what the filter sends. */
class RecordingResponse {
  statusCode = 200;
  body: unknown;
  headers: Record<string, string> = {};
  headersSent = false;
  destroyed = false;
  ended = false;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  json(body: unknown): this {
    this.body = body;
    this.ended = true;
    return this;
  }

  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  end(text?: string): void {
    if (text !== undefined) {
      this.body = JSON.parse(text) as unknown;
    }
    this.ended = true;
  }
}

/** A request that matched `path`; routes under /v1/ other than /v1/generate speak OpenAI's dialect. */
function send(
  exception: unknown,
  path = '/v1/generate',
  response = new RecordingResponse(),
  ctx = new RequestContext('req-123'),
): RecordingResponse {
  const req = { path };
  ctx.route = path;
  ctx.api = /^\/v1\//i.test(path) && !/generate/i.test(path) ? 'openai' : 'gateway';
  attachContext(req as never, ctx);
  const host = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return response;
}

describe('ErrorFilter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe("on the gateway's own routes", () => {
    it('answers {error: {code, message, request_id}} with the mapped status', () => {
      const res = send(new UpstreamTimeoutError('first_token', 300_000));
      expect(res.statusCode).toBe(504);
      expect(res.body).toEqual({
        error: {
          code: 'upstream_timeout',
          message: 'the inference backend did not answer in time (first token timeout after 300000 ms)',
          request_id: 'req-123',
        },
      });
      expect(res.headers['retry-after']).toBeUndefined();
    });

    it('adds the offending field of a validation error', () => {
      const res = send(new BadRequestException(['max_tokens must not be less than 1']));
      expect(res.statusCode).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'validation_error',
          message: 'max_tokens must not be less than 1',
          param: 'max_tokens',
          request_id: 'req-123',
        },
      });
    });

    it.each([
      [new UpstreamUnavailableError('the inference backend is unreachable'), '5'],
      [new UpstreamBusyError('busy'), '2'],
    ])('sets Retry-After for %p', (error, seconds) => {
      const res = send(error);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe(seconds);
    });

    it('hides an unexpected error behind a 500 and logs it with the request id', () => {
      const res = send(new TypeError("Cannot read properties of undefined (reading 'secret')"));
      expect(res.statusCode).toBe(500);
      expect(res.body).toEqual({
        error: { code: 'internal_error', message: 'internal server error', request_id: 'req-123' },
      });
      expect(JSON.stringify(res.body)).not.toContain('secret');
      expect(Logger.prototype.error).toHaveBeenCalledWith(
        expect.objectContaining({ req: { id: 'req-123' } }),
        'unhandled error',
      );
    });

    it('does not log expected failures as unhandled errors', () => {
      send(new UpstreamUnavailableError('down'));
      expect(Logger.prototype.error).not.toHaveBeenCalled();
    });
  });

  describe('on OpenAI-compatible routes', () => {
    it.each([
      ['/v1/chat/completions', new UnknownModelError('gpt-9'), 404, 'not_found_error', 'unknown_model'],
      [
        '/v1/completions',
        new BadRequestException(['prompt should not be empty']),
        400,
        'invalid_request_error',
        'validation_error',
      ],
      ['/v1/models', new UpstreamUnavailableError('down'), 503, 'api_error', 'upstream_unavailable'],
      ['/v1/embeddings', new UpstreamTimeoutError('total', 10), 504, 'api_error', 'upstream_timeout'],
      // Express routes ignore case, so this path reaches the chat completions handler.
      ['/V1/Chat/Completions', new UnknownModelError('gpt-9'), 404, 'not_found_error', 'unknown_model'],
    ])('%s answers {error: {message, type, param, code}}', (path, error, status, type, code) => {
      const res = send(error, path);
      expect(res.statusCode).toBe(status);
      const { error: body } = res.body as { error: Record<string, unknown> };
      expect(Object.keys(body).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body).toMatchObject({ message: expect.any(String), type, code });
    });

    it('fills param with the offending field, or null', () => {
      expect(
        send(new BadRequestException(['temperature must not be greater than 2']), '/v1/chat/completions')
          .body,
      ).toMatchObject({
        error: { param: 'temperature' },
      });
      expect(send(new UpstreamBusyError('busy'), '/v1/chat/completions').body).toMatchObject({
        error: { param: null },
      });
    });
  });

  it('only ends a response whose headers are already sent (a stream reports in-band)', () => {
    const started = new RecordingResponse();
    started.headersSent = true;
    const res = send(new UpstreamTimeoutError('idle', 60_000), '/v1/generate', started);
    expect(res.ended).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBeUndefined();
    expect(res.headers).toEqual({});
  });

  it("keeps Terminus' readiness report as the body of a 503, without an error log line", () => {
    const report = { status: 'error', info: {}, error: { inference: { status: 'down' } }, details: {} };
    const ctx = new RequestContext('req-ready');
    const res = send(new ServiceUnavailableException(report), '/ready', new RecordingResponse(), ctx);
    expect(res.statusCode).toBe(503);
    expect(res.body).toEqual(report);
    // Not ready (a model still loading, a drain) is the probe's answer, not an internal error.
    expect(Logger.prototype.error).not.toHaveBeenCalled();
    expect(ctx.outcome).toBe('rejected');
  });

  it.each([
    [new GenerationCancelledError('gone'), 499, 'cancelled'],
    [new UpstreamTimeoutError('idle', 10), 504, 'timeout'],
    [new UpstreamBusyError('busy'), 503, 'upstream_error'],
    [new BadRequestException(['prompt should not be empty']), 400, 'client_error'],
    [new TypeError('boom'), 500, 'internal_error'],
  ])('records the outcome of %p from the error catalogue', (error, status, outcome) => {
    const ctx = new RequestContext('req-123');
    const res = send(error, '/v1/generate', new RecordingResponse(), ctx);
    expect(res.statusCode).toBe(status);
    expect(ctx.outcome).toBe(outcome);
  });
});
