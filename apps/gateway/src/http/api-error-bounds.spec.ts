import { BadRequestException } from '@nestjs/common';

import { MAX_ERROR_MESSAGE_LENGTH } from './api-error-bounds';
import { gatewayErrorBody, openAiErrorBody } from './error-body';
import { toApiError } from './error-mapping';

describe('error body bounds', () => {
  it('keeps short validation message lists whole', () => {
    const error = toApiError(
      new BadRequestException(['prompt must be a string', 'max_tokens must be an integer']),
    );
    expect(error.message).toBe('prompt must be a string; max_tokens must be an integer');
    expect(error.param).toBe('prompt');
  });

  it('cuts a long list of validation messages and says how many were left out', () => {
    const messages = Array.from(
      { length: 349_000 },
      (_, i) => `messages.${i}.role must be one of system, user`,
    );
    const error = toApiError(new BadRequestException(messages));
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(error.message).toMatch(/^messages\.0\.role must be one of system, user; messages\.1\.role/);
    expect(error.message).toMatch(/; and 3489\d\d more$/);
    expect(error.param).toBe('messages.0.role');
  });

  it('caps a single huge message and field name in both error shapes', () => {
    const key = 'k'.repeat(200_000);
    const error = toApiError(new BadRequestException([`property ${key} should not exist`]));
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(error.param?.length).toBeLessThanOrEqual(128);
    expect(JSON.stringify(gatewayErrorBody(error, 'req-1')).length).toBeLessThan(2048);
    expect(JSON.stringify(openAiErrorBody(error)).length).toBeLessThan(2048);
  });
});
