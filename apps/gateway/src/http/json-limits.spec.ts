import { assertJsonWithinLimits, JsonLimitError, type JsonLimits } from './json-limits';

const limits: JsonLimits = { maxDepth: 3, maxStringLength: 5, maxArrayLength: 4, maxNodes: 12 };

const check =
  (value: unknown, overrides: Partial<JsonLimits> = {}) =>
  () =>
    assertJsonWithinLimits(typeof value === 'string' ? value : JSON.stringify(value), {
      ...limits,
      ...overrides,
    });

const codeOf = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(JsonLimitError);
    return (error as JsonLimitError).code;
  }
};

describe('assertJsonWithinLimits', () => {
  it('accepts bodies within every limit, at the limits themselves', () => {
    expect(check({ a: [{ b: 'hello' }] })).not.toThrow();
    expect(check([1, 2, 3, 4])).not.toThrow();
    expect(check({ abcde: [[], [], [], []] })).not.toThrow();
    expect(check('')).not.toThrow();
  });

  it('rejects nesting deeper than the limit', () => {
    expect(codeOf(check({ a: [{ b: [] }] }))).toBe('json_too_deep');
  });

  it('rejects long values and long keys, counting an escape sequence as one character', () => {
    expect(codeOf(check({ a: 'toolong' }))).toBe('string_too_long');
    expect(codeOf(check({ toolong: 1 }))).toBe('string_too_long');
    expect(check('{"a":"\\u00e9\\n\\"\\\\x"}')).not.toThrow();
    expect(codeOf(check('{"a":"\\u00e9\\n\\"\\\\xy"}'))).toBe('string_too_long');
  });

  it('rejects an array longer than the limit, at any depth, whatever its elements', () => {
    expect(codeOf(check([1, 2, 3, 4, 5]))).toBe('json_array_too_long');
    expect(codeOf(check({ a: [[], [], [], [], []] }))).toBe('json_array_too_long');
    expect(codeOf(check({ a: [{}, {}, {}, {}, {}] }))).toBe('json_array_too_long');
    expect(codeOf(check({ a: ['x', 'y', 'z', 'w', 'v'] }))).toBe('json_array_too_long');
    // Commas inside strings and between object members are not array elements.
    expect(check({ a: ['x,y,z,w,v'], b: 1, c: 2, d: 3, e: 4 }, { maxStringLength: 9 })).not.toThrow();
  });

  it('rejects more nodes than the limit, counting containers and values but not keys', () => {
    // 1 object + 4 arrays + 8 numbers = 13 nodes.
    const body = { a: [1, 2], b: [3, 4], c: [5, 6], d: [7, 8] };
    expect(codeOf(check(body))).toBe('json_too_many_nodes');
    expect(check(body, { maxNodes: 13 })).not.toThrow();
    expect(check({ a: 1, b: 'x', c: true, d: null, e: -1.5e3 }, { maxNodes: 6 })).not.toThrow();
    expect(codeOf(check({ a: 1, b: 'x', c: true, d: null, e: -1.5e3 }, { maxNodes: 5 }))).toBe(
      'json_too_many_nodes',
    );
  });

  it('handles nesting far deeper than the call stack without overflowing', () => {
    expect(codeOf(check('['.repeat(200_000), { maxDepth: 32, maxNodes: 1000 }))).toBe('json_too_deep');
  });

  it('does not throw on text that is not JSON (the parser reports that afterwards)', () => {
    for (const text of ['{', '"open', '}}]]', '[1,,2', 'nul', '"\\']) {
      expect(check(text)).not.toThrow();
    }
  });
});
