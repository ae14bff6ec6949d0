import { IncrementalDetokenizer } from './incremental-detokenizer';

/** Tokens are byte values here; decoding is real UTF-8 decoding. */
const detokenizeBytes = (tokens: readonly number[]): string => Buffer.from(tokens).toString('utf8');

describe('IncrementalDetokenizer', () => {
  it('holds byte tokens until a multi-byte character is complete', () => {
    const detokenizer = new IncrementalDetokenizer(detokenizeBytes);
    const bytes = [...Buffer.from('aé€')];
    const pieces = bytes.map((byte) => detokenizer.push(byte));
    expect(pieces).toEqual(['a', '', 'é', '', '', '€']);
    expect(detokenizer.flush()).toBe('');
  });

  it('gives up holding after four tokens and flushes what is left', () => {
    const detokenizer = new IncrementalDetokenizer(detokenizeBytes);
    expect(detokenizer.push(0xe2)).toBe('');
    expect(detokenizer.flush()).toBe('\uFFFD');
    const invalid = [0xf0, 0x41, 0xf0, 0xf0].map((byte) => detokenizer.push(byte));
    expect(invalid.join('')).toContain('A');
  });

  it('passes the preceding tokens as context', () => {
    const seen: number[][] = [];
    const detokenizer = new IncrementalDetokenizer<number>((tokens, last) => {
      seen.push([...last]);
      return String(tokens.length);
    });
    detokenizer.push(1);
    detokenizer.push(2);
    expect(seen).toEqual([[], [1]]);
  });
});
