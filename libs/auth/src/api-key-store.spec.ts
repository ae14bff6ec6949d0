import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';
import { loadConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';

import { generateApiKey, hashApiKey } from './api-key';
import { ApiKeyStore, MAX_KEYS_FILE_BYTES } from './api-key-store';
import { KeysFileError } from './keys-file';

describe('ApiKeyStore reloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'api-key-store-'));
  const file = join(dir, 'keys.json');
  const alice = generateApiKey();
  const bob = generateApiKey();
  const goodFile = JSON.stringify({
    keys: [
      { id: 'alice', hash: hashApiKey(alice) },
      { id: 'bob', hash: hashApiKey(bob), rpm: 5 },
    ],
  });
  let metrics: GatewayMetrics;
  let store: ApiKeyStore;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    rmSync(file, { recursive: true, force: true });
    writeFileSync(file, goodFile);
    metrics = new GatewayMetrics();
    const config = loadConfig({
      AUTH_MODE: 'keys',
      API_KEYS_FILE: file,
      API_KEYS_RELOAD_INTERVAL_MS: '60000',
    });
    store = new ApiKeyStore(config, metrics);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    store.onModuleDestroy();
    errors.mockRestore();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const failures = async () => (await metrics.keysReloadFailures.get()).values[0]?.value ?? 0;

  it.each<[string, () => void, RegExp]>([
    [
      'an unknown top-level field',
      () => writeFileSync(file, '{"keys": [], "kyes": []}'),
      /unknown field "kyes"/,
    ],
    [
      'an unknown entry field',
      () => writeFileSync(file, JSON.stringify({ keys: [{ id: 'x', hash: hashApiKey(alice), tmp: 1 }] })),
      /keys\[0\] \(x\) has an unknown field "tmp"/,
    ],
    ['an object without "keys"', () => writeFileSync(file, '{}'), /no "keys" array/],
    [
      'duplicate ids',
      () =>
        writeFileSync(
          file,
          JSON.stringify({
            keys: [
              { id: 'x', hash: hashApiKey(alice) },
              { id: 'x', hash: hashApiKey(bob) },
            ],
          }),
        ),
      /id "x" twice/,
    ],
    ['an emptied file', () => writeFileSync(file, ''), /empty/],
    [
      'a file one byte over the size limit',
      () => writeFileSync(file, `{"keys": []}${' '.repeat(MAX_KEYS_FILE_BYTES - 11)}`),
      /larger than 1048576 bytes/,
    ],
    ['a deleted file', () => rmSync(file), /does not exist/],
    [
      'an unreadable file',
      () => {
        rmSync(file);
        mkdirSync(file);
      },
      /is a directory/,
    ],
  ])('refuses %s, keeps the last good set, logs an error and counts it', async (_case, change, reason) => {
    change();
    expect(store.reload()).toBe(false);
    expect(store.principalForKey(alice)?.id).toBe('alice');
    expect(store.principalForKey(bob)).toMatchObject({ id: 'bob', requestsPerMinute: 5 });
    expect(await failures()).toBe(1);
    expect(errors).toHaveBeenCalledTimes(1);
    const logged = String(errors.mock.calls[0][0]);
    expect(logged).toMatch(reason);
    expect(logged).toMatch(/update refused, the 2 keys and 0 JWT subjects loaded before stay in force/);
    for (const secret of [alice, bob, hashApiKey(alice).slice(7), hashApiKey(bob).slice(7)]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('applies a good update: a removed entry is revoked, and an explicit empty list revokes every key', async () => {
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'bob', hash: hashApiKey(bob) }] }));
    expect(store.reload()).toBe(true);
    expect(store.principalForKey(alice)).toBeUndefined();
    expect(store.principalForKey(bob)?.id).toBe('bob');

    // Padded to the size limit exactly: at the limit is still accepted.
    writeFileSync(file, `{"keys": []}${' '.repeat(MAX_KEYS_FILE_BYTES - 12)}`);
    expect(store.reload()).toBe(true);
    expect(store.principalForKey(bob)).toBeUndefined();
    expect(await failures()).toBe(0);
  });

  it('recovers when a refused file is fixed', async () => {
    writeFileSync(file, '{"keys": [');
    expect(store.reload()).toBe(false);
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'alice', hash: hashApiKey(alice) }] }));
    expect(store.reload()).toBe(true);
    expect(store.principalForKey(bob)).toBeUndefined();
    expect(await failures()).toBe(1);
  });
});

describe('ApiKeyStore at start-up', () => {
  it.each([
    ['a missing file', undefined, /API_KEYS_FILE .*keys\.json: the keys file does not exist/],
    ['an empty file', '', /API_KEYS_FILE .*keys\.json: the keys file is empty/],
    ['{}', '{}', /API_KEYS_FILE .*keys\.json: the keys file has no "keys" array/],
  ])('refuses to start with %s, naming the file and the problem', (_case, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'api-key-store-'));
    const file = join(dir, 'keys.json');
    if (text !== undefined) {
      writeFileSync(file, text);
    }
    try {
      const config = loadConfig({ AUTH_MODE: 'keys', API_KEYS_FILE: file });
      // main.ts prints a KeysFileError as its message alone, like a configuration error.
      expect(() => new ApiKeyStore(config, new GatewayMetrics())).toThrow(KeysFileError);
      expect(() => new ApiKeyStore(config, new GatewayMetrics())).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
