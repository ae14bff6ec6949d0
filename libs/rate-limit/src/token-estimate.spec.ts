import type { GenerationInput } from '@gateway/inference';

import { estimateInputTokens } from './token-estimate';

describe('estimateInputTokens', () => {
  it('is a quarter of the prompt characters, rounded up', () => {
    expect(estimateInputTokens({ kind: 'prompt', prompt: 'x'.repeat(10) })).toBe(3);
  });

  it('counts every message text, plain or nested', () => {
    const input: GenerationInput = {
      kind: 'chat',
      messages: [
        { role: 'system', content: 'abcd'.repeat(100) },
        { role: 'user', content: 'efgh'.repeat(100) },
      ],
    };
    expect(estimateInputTokens(input)).toBeGreaterThanOrEqual(200);
    expect(estimateInputTokens(input)).toBeLessThan(210);
  });

  it('is 0 for an empty prompt', () => {
    expect(estimateInputTokens({ kind: 'prompt', prompt: '' })).toBe(0);
  });
});
