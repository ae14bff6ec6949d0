import { GatewayError } from '@gateway/errors';
import { RequestContext } from '@gateway/request-context';

import { apiFamilyOf, errorBodyFor } from './error-body';
import { toApiError } from './error-mapping';

describe('error shape by route', () => {
  it.each([
    ['/v1/chat/completions', 'openai'],
    ['/v1/responses', 'openai'],
    ['/v1/models/x', 'openai'],
    ['/v1/nope', 'openai'],
    ['/V1/Unknown/Path', 'openai'],
    ['/v1/generate', 'gateway'],
    ['/V1/Generate/', 'gateway'],
    ['/api/chat', 'ollama'],
    ['/API/pull', 'ollama'],
    ['/health', 'gateway'],
    ['/', 'gateway'],
    ['/apiary', 'gateway'],
  ])('an unmatched %s answers in the %s shape', (path, shape) => {
    expect(apiFamilyOf({ path }, undefined)).toBe(shape);
  });

  it("a matched route's declared family wins over its path", () => {
    const ctx = new RequestContext('r1');
    ctx.route = '/v1/generate';
    ctx.api = 'gateway';
    expect(apiFamilyOf({ path: '/v1/generate' }, ctx)).toBe('gateway');
    ctx.route = '/api/chat';
    ctx.api = 'ollama';
    expect(apiFamilyOf({ path: '/api/chat' }, ctx)).toBe('ollama');
  });

  const error = toApiError(new GatewayError('not_found', 'Cannot POST /x'));

  it('answers each dialect in its own body', () => {
    expect(errorBodyFor('ollama', error, 'r1')).toEqual({ error: 'Cannot POST /x' });
    expect(errorBodyFor('openai', error, 'r1')).toEqual({
      error: { message: 'Cannot POST /x', type: 'not_found_error', param: null, code: 'not_found' },
    });
    expect(errorBodyFor('gateway', error, 'r1')).toEqual({
      error: { code: 'not_found', message: 'Cannot POST /x', request_id: 'r1' },
    });
  });
});
