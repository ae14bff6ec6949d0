import { DEFAULT_COMPLETION_ESTIMATE, estimateTokens } from './token-estimate';

describe('estimateTokens', () => {
  it('is a quarter of the prompt characters plus max_tokens', () => {
    expect(estimateTokens({ prompt: 'x'.repeat(10), max_tokens: 20 })).toBe(3 + 20);
  });

  it('counts every message text, plain or in parts, and prefers max_completion_tokens', () => {
    const body = {
      messages: [
        { role: 'system', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'efgh' }] },
      ],
      max_tokens: 999,
      max_completion_tokens: 10,
    };
    // 'abcd' + 'efgh' + the role and type strings count too: an estimate, on the safe side.
    expect(estimateTokens(body)).toBeGreaterThanOrEqual(2 + 10);
    expect(estimateTokens(body)).toBeLessThan(999);
  });

  it('reserves the default completion when max_tokens is absent, times n', () => {
    expect(estimateTokens({ prompt: '' })).toBe(DEFAULT_COMPLETION_ESTIMATE);
    expect(estimateTokens({ prompt: 'abcd', max_tokens: 5, n: 3 })).toBe(1 + 15);
  });

  it('is 0 for calls that generate nothing', () => {
    expect(estimateTokens(undefined)).toBe(0);
    expect(estimateTokens({})).toBe(0);
  });
});
