import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import {
  GenerationCancelledError,
  type InferenceError,
  ModelNotFoundError,
  OverloadedError,
  UnknownModelError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import { GatewayError } from '@gateway/errors';

import { MAX_ERROR_MESSAGE_LENGTH } from './api-error-bounds';
import { toApiError } from './error-mapping';
import { BadRequestBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http.errors';

describe('toApiError', () => {
  describe('domain errors', () => {
    it.each<[InferenceError, number, string, number | undefined]>([
      [new UpstreamUnavailableError('the inference backend is unreachable'), 503, 'upstream_unavailable', 5],
      [new UpstreamBusyError('busy'), 503, 'upstream_busy', 2],
      [new ModelNotFoundError('llama3'), 503, 'model_not_found', undefined],
      [new UpstreamRejectedError('bad option'), 400, 'upstream_rejected', undefined],
      [new UpstreamTimeoutError('first_token', 1000), 504, 'upstream_timeout', undefined],
      [new UpstreamProtocolError('truncated'), 502, 'upstream_protocol_error', undefined],
      [new UpstreamServerError('status 500'), 502, 'upstream_error', undefined],
      [new GenerationCancelledError('gone'), 499, 'cancelled', undefined],
      [new UnknownModelError('gpt-9'), 404, 'unknown_model', undefined],
      [new OverloadedError('every slot is busy', 3), 503, 'overloaded', 3],
    ])('%p -> %i %s (Retry-After %p)', (error, status, code, retryAfter) => {
      expect(toApiError(error)).toMatchObject({
        status,
        code,
        message: error.message,
        retryAfterSeconds: retryAfter,
      });
    });

    it('tells which timeout ran out', () => {
      expect(toApiError(new UpstreamTimeoutError('idle', 250)).message).toBe(
        'the inference backend did not answer in time (idle timeout after 250 ms)',
      );
    });
  });

  describe('HTTP exceptions', () => {
    it.each<[Error, number, string, string]>([
      [new NotFoundException('Cannot GET /nope'), 404, 'not_found', 'Cannot GET /nope'],
      [
        new PayloadTooLargeError(),
        413,
        'payload_too_large',
        'request body is larger than the configured limit',
      ],
      [
        new UnsupportedMediaTypeError(),
        415,
        'unsupported_media_type',
        'request body must be JSON (Content-Type: application/json)',
      ],
      [new BadRequestBodyError('entity.parse.failed'), 400, 'bad_request', 'request body is not valid JSON'],
      // Statuses outside the catalogue never leak a framework message.
      [new HttpException('teapot', 418), 400, 'bad_request', 'the request is not valid'],
    ])('%p -> %i %s', (error, status, code, message) => {
      expect(toApiError(error)).toMatchObject({ status, code, message });
    });

    it('keeps the param and Retry-After a gateway error carries', () => {
      const error = new GatewayError('rate_limit_exceeded', 'slow down', {
        param: 'model',
        retryAfterSeconds: 7,
      });
      expect(toApiError(error)).toMatchObject({
        status: 429,
        code: 'rate_limit_exceeded',
        message: 'slow down',
        param: 'model',
        retryAfterSeconds: 7,
      });
    });

    it('caps the message a client sees', () => {
      const messages = Array.from({ length: 5_000 }, (_, i) => `messages.${i}.role must be a string`);
      const error = toApiError(new BadRequestException(messages));
      expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
      expect(error.message).toMatch(/and \d+ more$/);
      expect(error.param).toBe('messages.0.role');
    });
  });

  describe('validation failures', () => {
    it('joins every message and names the first offending field', () => {
      const error = new BadRequestException([
        'max_tokens must not be greater than 2048',
        'temperature must not be greater than 2',
      ]);
      expect(toApiError(error)).toMatchObject({
        status: 400,
        code: 'validation_error',
        message: 'max_tokens must not be greater than 2048; temperature must not be greater than 2',
        param: 'max_tokens',
      });
    });

    it('names an unknown field', () => {
      expect(toApiError(new BadRequestException(['property foo should not exist'])).param).toBe('foo');
    });

    it('names a nested field with its path', () => {
      const error = new BadRequestException(['messages.0.property name should not exist']);
      expect(toApiError(error).param).toBe('messages.0.name');
    });
  });

  describe('anything else', () => {
    it.each([new Error('ECONNREFUSED 10.0.0.7:5432 password=hunter2'), 'a string', undefined, { odd: true }])(
      '%p -> 500 internal_error without leaking what was thrown',
      (thrown) => {
        const error = toApiError(thrown);
        expect(error).toMatchObject({
          status: 500,
          code: 'internal_error',
          message: 'internal server error',
        });
        expect(JSON.stringify(error)).not.toContain('hunter2');
      },
    );
  });
});
