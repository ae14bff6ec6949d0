import { mkdirSync, rmSync } from 'node:fs';

import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { eventually, KeysFileFixture, newApiKey } from './support/api-keys';
import { scrape } from './support/metrics';
import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const FAILURES = 'llm_gateway_keys_reload_failures_total';

describe('keys file reloads that fail safe and loud', () => {
  const keysFile = new KeysFileFixture();
  const teamA = newApiKey({ id: 'team-a' });
  const teamB = newApiKey({ id: 'team-b' });
  let app: NestExpressApplication;

  beforeAll(async () => {
    keysFile.write([teamA.entry, teamB.entry]);
    app = await createTestApp({
      env: { AUTH_MODE: 'keys', API_KEYS_FILE: keysFile.path, API_KEYS_RELOAD_INTERVAL_MS: '100' },
      provider: new ReplayProvider(),
    });
  });

  afterAll(async () => {
    await app?.close();
    keysFile.remove();
  });

  const generate = (key: string) =>
    request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${key}`)
      .send({ prompt: 'hi', max_tokens: 8 });
  const failures = () => scrape(app.getHttpServer(), FAILURES);

  const badUpdates: Array<[string, () => void]> = [
    ['an object without "keys"', () => keysFile.writeText('{}')],
    ['a misspelt top-level field', () => keysFile.writeText('{"keys": [], "kyes": []}')],
    [
      'a misspelt entry field',
      () => keysFile.writeText(JSON.stringify({ keys: [{ ...teamA.entry, rmp: 1 }] })),
    ],
    [
      'a duplicate id',
      () => keysFile.writeText(JSON.stringify({ keys: [teamA.entry, { ...teamB.entry, id: 'team-a' }] })),
    ],
    ['an emptied file', () => keysFile.writeText('')],
    ['a deleted file', () => rmSync(keysFile.path)],
    [
      'an unreadable file',
      () => {
        rmSync(keysFile.path);
        mkdirSync(keysFile.path);
      },
    ],
  ];

  it('refuses each bad update: the last good keys keep working and the failure counter rises', async () => {
    expect(await failures()).toBe(0);
    for (const [index, [, update]] of badUpdates.entries()) {
      rmSync(keysFile.path, { recursive: true, force: true });
      keysFile.write([teamA.entry, teamB.entry]);
      await new Promise((resolve) => setTimeout(resolve, 300)); // one reload of the good file
      update();
      await eventually(async () => expect(await failures()).toBe(index + 1));
      await generate(teamA.key).expect(200);
      await generate(teamB.key).expect(200);
    }
  });

  it('applies a good update within one reload interval: removing an entry revokes its key', async () => {
    rmSync(keysFile.path, { recursive: true, force: true });
    keysFile.write([teamB.entry]);
    const before = await failures();
    await eventually(async () => {
      await generate(teamA.key).expect(401);
    }, 1_000);
    await generate(teamB.key).expect(200);

    keysFile.writeText('{"keys": []}');
    await eventually(async () => {
      await generate(teamB.key).expect(401);
    }, 1_000);
    expect(await failures()).toBe(before);
  });
});
