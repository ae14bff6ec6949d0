import { assertJsonWithinLimits, JsonLimitError } from './json-limits';

const limits = { maxDepth: 3, maxStringLength: 5 };

describe('assertJsonWithinLimits', () => {
  it('accepts bodies within the limits', () => {
    expect(() => assertJsonWithinLimits({ a: [{ b: 'hello' }] }, limits)).not.toThrow();
    expect(() => assertJsonWithinLimits(undefined, limits)).not.toThrow();
  });

  it('rejects nesting deeper than the limit', () => {
    expect(() => assertJsonWithinLimits({ a: [{ b: [] }] }, limits)).toThrow(JsonLimitError);
  });

  it('rejects long values and long keys', () => {
    expect(() => assertJsonWithinLimits({ a: 'toolong' }, limits)).toThrow(/longer than 5/);
    expect(() => assertJsonWithinLimits({ toolong: 1 }, limits)).toThrow(/longer than 5/);
  });

  it('handles nesting far deeper than the call stack without overflowing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i += 1) {
      deep = [deep];
    }
    expect(() => assertJsonWithinLimits(deep, { maxDepth: 32, maxStringLength: 5 })).toThrow(/nested deeper/);
  });
});
