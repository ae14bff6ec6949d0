import { generateApiKey, hashApiKey } from './api-key';
import { parseKeysFile } from './keys-file';

const hash = hashApiKey('sk-gw-example');

describe('parseKeysFile', () => {
  it('reads keys and JWT subjects; "*" or no models means every model', () => {
    const parsed = parseKeysFile(
      JSON.stringify({
        keys: [
          { id: 'a', name: 'A', hash, models: ['qwen2.5:0.5b'], rpm: 10, tpm: 0 },
          { id: 'b', hash: hashApiKey('other'), models: ['*'] },
        ],
        subjects: [{ id: 'svc', subject: 'service-1', rpm: 5, concurrency: 2 }],
      }),
    );
    expect(parsed.keys[0]).toEqual({ id: 'a', name: 'A', hash, models: ['qwen2.5:0.5b'], rpm: 10, tpm: 0 });
    expect(parsed.keys[1].models).toBeUndefined();
    expect(parsed.subjects).toEqual([{ id: 'svc', subject: 'service-1', rpm: 5, concurrency: 2 }]);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['a bad id', JSON.stringify({ keys: [{ id: 'a b', hash }] }), /keys\[0\]: "id"/],
    ['an id reserved for JWT subjects', JSON.stringify({ keys: [{ id: 'jwt:alice', hash }] }), /reserved/],
    [
      'a plain key instead of a hash',
      JSON.stringify({ keys: [{ id: 'a', hash: 'sk-gw-x' }] }),
      /"hash" must be/,
    ],
    ['a negative limit', JSON.stringify({ keys: [{ id: 'a', hash, rpm: -1 }] }), /"rpm" must be/],
    [
      'a fractional concurrency',
      JSON.stringify({ keys: [{ id: 'a', hash, concurrency: 1.5 }] }),
      /"concurrency" must be/,
    ],
    ['models not a list', JSON.stringify({ keys: [{ id: 'a', hash, models: 'x' }] }), /"models"/],
    [
      'a duplicate id',
      JSON.stringify({ keys: [{ id: 'a', hash }], subjects: [{ id: 'a', subject: 's' }] }),
      /twice/,
    ],
    [
      'a duplicate hash',
      JSON.stringify({
        keys: [
          { id: 'a', hash },
          { id: 'b', hash },
        ],
      }),
      /same key hash twice/,
    ],
    ['an empty file', '', /empty/],
    ['a blank file', ' \n', /empty/],
    ['an object without "keys"', '{}', /no "keys" array/],
    ['only subjects, without "keys"', JSON.stringify({ subjects: [] }), /no "keys" array/],
    ['"keys" that is not a list', JSON.stringify({ keys: {} }), /"keys" must be an array/],
    ['a misspelt top-level field', JSON.stringify({ keys: [], subject: [] }), /unknown field "subject"/],
    [
      'a misspelt field in a key entry',
      JSON.stringify({ keys: [{ id: 'a', hash, rmp: 10 }] }),
      /keys\[0\] \(a\) has an unknown field "rmp" \(allowed: id, name, models, rpm, tpm, concurrency, hash\)/,
    ],
    [
      'a key field in a subject entry',
      JSON.stringify({ keys: [], subjects: [{ id: 's', subject: 'svc', hash }] }),
      /subjects\[0\] \(s\) has an unknown field "hash"/,
    ],
    [
      'a subject listed twice',
      JSON.stringify({
        keys: [],
        subjects: [
          { id: 's1', subject: 'svc' },
          { id: 's2', subject: 'svc' },
        ],
      }),
      /subject twice/,
    ],
  ])('rejects %s with a message naming the problem', (_case, text, message) => {
    expect(() => parseKeysFile(text)).toThrow(message);
  });

  it('accepts an explicitly empty list of keys', () => {
    expect(parseKeysFile('{"keys": []}')).toEqual({ keys: [], subjects: [] });
  });

  it('never echoes a field name that could be a pasted key', () => {
    const key = 'sk-gw-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    expect(() => parseKeysFile(JSON.stringify({ keys: [{ id: 'a', hash, [key]: 1 }] }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sk-gw-') as unknown }),
    );
    expect(() => parseKeysFile(JSON.stringify({ keys: [], [key]: 1 }))).toThrow(/unknown field \(allowed/);
  });

  it('never repeats a hash in its messages', () => {
    expect(() =>
      parseKeysFile(
        JSON.stringify({
          keys: [
            { id: 'a', hash },
            { id: 'b', hash },
          ],
        }),
      ),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining(hash.slice(7)) as unknown }));
  });
});

describe('API keys', () => {
  it('are sk-gw- plus 40 base62 characters, different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^sk-gw-[0-9A-Za-z]{40}$/);
    }
  });

  it('hash to a stable sha256 form', () => {
    expect(hashApiKey('sk-gw-abc')).toBe(hashApiKey('sk-gw-abc'));
    expect(hashApiKey('sk-gw-abc')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashApiKey('a')).not.toBe(hashApiKey('b'));
  });
});
