import { parseMemoryQuantity } from './memory-limit';

describe('parseMemoryQuantity', () => {
  it('reads the binary units a Kubernetes manifest uses', () => {
    expect(parseMemoryQuantity('512Mi')).toBe(536_870_912);
    expect(parseMemoryQuantity('1Gi')).toBe(1_073_741_824);
    expect(parseMemoryQuantity('64Ki')).toBe(65_536);
    expect(parseMemoryQuantity('1000000')).toBe(1_000_000);
  });

  it('refuses what it cannot read exactly, rather than guessing a unit', () => {
    for (const quantity of ['512M', '0.5Gi', 'Mi', '-1Mi', '512 MiB', '']) {
      expect(() => parseMemoryQuantity(quantity)).toThrow(/memory quantity/);
    }
  });
});
