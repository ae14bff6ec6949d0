import { estimateInputTokens } from './token-estimate';

describe('estimateInputTokens', () => {
  it('is a quarter of the prompt characters, rounded up', () => {
    expect(estimateInputTokens({ kind: 'prompt', prompt: 'x'.repeat(10) })).toBe(Math.ceil(16 / 4));
  });

  it('counts every message text, plain or nested', () => {
    const input = {
      kind: 'chat',
      messages: [
        { role: 'system', content: 'abcd'.repeat(100) },
        { role: 'user', content: 'efgh'.repeat(100) },
      ],
    };
    expect(estimateInputTokens(input)).toBeGreaterThanOrEqual(200);
    expect(estimateInputTokens(input)).toBeLessThan(210);
  });

  it('walks very wide and deep values without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i += 1) {
      deep = [deep];
    }
    expect(estimateInputTokens(deep)).toBe(1);
    expect(estimateInputTokens(undefined)).toBe(0);
  });
});
