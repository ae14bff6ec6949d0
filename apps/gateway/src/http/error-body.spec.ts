import type { ApiError } from './api-error';
import { errorBodyFor, errorShapeOf } from './error-body';

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
  ])('%s -> %s', (path, shape) => {
    expect(errorShapeOf(path)).toBe(shape);
  });

  const error: ApiError = { status: 404, code: 'not_found', message: 'Cannot POST /x' };

  it('answers each dialect in its own body', () => {
    expect(errorBodyFor('/api/x', error, 'r1')).toEqual({ error: 'Cannot POST /x' });
    expect(errorBodyFor('/v1/x', error, 'r1')).toEqual({
      error: { message: 'Cannot POST /x', type: 'not_found_error', param: null, code: 'not_found' },
    });
    expect(errorBodyFor('/x', error, 'r1')).toEqual({
      error: { code: 'not_found', message: 'Cannot POST /x', request_id: 'r1' },
    });
  });
});
