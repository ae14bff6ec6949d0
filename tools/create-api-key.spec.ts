import { hashApiKey } from '../libs/auth/src/api-key';
import { parseKeysFile } from '../libs/auth/src/keys-file';
import { createKeyEntry } from './create-api-key';

describe('key:create', () => {
  it('prints a key whose entry the gateway accepts and matches by hash', () => {
    const { key, entry } = createKeyEntry([
      '--id',
      'team-a',
      '--name',
      'Team A',
      '--models',
      'a,b',
      '--rpm',
      '60',
      '--concurrency',
      '3',
    ]);
    expect(entry).toEqual({
      id: 'team-a',
      name: 'Team A',
      hash: hashApiKey(key),
      models: ['a', 'b'],
      rpm: 60,
      concurrency: 3,
    });
    expect(parseKeysFile(JSON.stringify({ keys: [entry] })).keys).toHaveLength(1);
    expect(JSON.stringify(entry)).not.toContain(key);
  });

  it('refuses a missing id or a bad limit', () => {
    expect(() => createKeyEntry([])).toThrow(/--id is required/);
    expect(() => createKeyEntry(['--id', 'x', '--tpm', 'lots'])).toThrow(/"tpm" must be/);
    expect(() => createKeyEntry(['--id', 'x', '--concurrency', '1.5'])).toThrow(/"concurrency" must be/);
  });
});
