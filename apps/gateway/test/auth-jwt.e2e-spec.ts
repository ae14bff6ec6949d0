import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import request from 'supertest';

import { KeysFileFixture, newApiKey } from './support/api-keys';
import { JwksServer, jwks, newSigningKey, signToken, type SigningKey } from './support/jwks-server';
import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'llm-gateway';
const valid = { iss: ISSUER, aud: AUDIENCE };

describe('JWT bearer tokens checked against a JWKS served over HTTP', () => {
  const keysFile = new KeysFileFixture();
  const apiKey = newApiKey({ id: 'team-a' });
  let ecKey: SigningKey;
  let rsaKey: SigningKey;
  let jwksServer: JwksServer;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ecKey = await newSigningKey('ec-1', 'ES256');
    rsaKey = await newSigningKey('rsa-1', 'RS256');
    jwksServer = await new JwksServer(jwks(ecKey, rsaKey)).start();
    keysFile.write(
      [apiKey.entry],
      [
        { id: 'batch', subject: 'batch-service', rpm: 2 },
        { id: 'narrow', subject: 'narrow-service', models: ['llama3.2:1b'] },
      ],
    );
    app = await createTestApp({
      env: {
        AUTH_MODE: 'keys,jwt',
        API_KEYS_FILE: keysFile.path,
        JWT_JWKS_URL: jwksServer.url,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
      },
      provider: new ReplayProvider(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await jwksServer?.stop();
    keysFile.remove();
  });

  const generate = (token: string) =>
    request(app.getHttpServer())
      .post('/v1/generate')
      .set('Authorization', `Bearer ${token}`)
      .send({ prompt: 'hi', max_tokens: 8 });

  it('accepts valid ES256 and RS256 tokens, and API keys next to them', async () => {
    await generate(await signToken(ecKey, { ...valid, sub: 'user-1' })).expect(200);
    await generate(await signToken(rsaKey, { ...valid, sub: 'user-2' })).expect(200);
    await generate(apiKey.key).expect(200);
    expect(jwksServer.requests).toBeGreaterThan(0);
  });

  it.each([
    ['expired', async () => signToken(ecKey, { ...valid, sub: 'u' }, Math.floor(Date.now() / 1000) - 120)],
    [
      'from another issuer',
      async () => signToken(ecKey, { iss: 'https://evil.test/', aud: AUDIENCE, sub: 'u' }),
    ],
    ['for another audience', async () => signToken(ecKey, { iss: ISSUER, aud: 'someone-else', sub: 'u' })],
    ['without a subject', async () => signToken(ecKey, valid)],
    [
      'signed by a key not in the JWKS (same kid)',
      async () => signToken(await newSigningKey('ec-1', 'ES256'), { ...valid, sub: 'u' }),
    ],
    [
      'signed with a shared secret (HS256)',
      async () =>
        new SignJWT({ ...valid, sub: 'u' })
          .setProtectedHeader({ alg: 'HS256', kid: 'ec-1' })
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('a-secret-anyone-could-guess-00000')),
    ],
  ])('answers 401 for a token %s', async (_case, makeToken) => {
    const res = await generate(await makeToken()).expect(401);
    expect(res.body.error.code).toBe('invalid_api_key');
  });

  it('applies the limits and models of the subject entry in the keys file', async () => {
    const token = await signToken(ecKey, { ...valid, sub: 'batch-service' });
    const first = await generate(token).expect(200);
    expect(first.headers['x-ratelimit-limit-requests']).toBe('2');
    await generate(token).expect(200);
    const refused = await generate(token).expect(429);
    expect(refused.body.error.code).toBe('rate_limit_exceeded');

    const narrow = await signToken(ecKey, { ...valid, sub: 'narrow-service' });
    await generate(narrow).expect(403);
  });
});

describe('JWT with the JWKS from a file', () => {
  it('verifies tokens against a local key set', async () => {
    const keysFile = new KeysFileFixture();
    const key = await newSigningKey('file-1', 'ES256');
    const jwksFile = join(keysFile.dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks(key)));
    const app = await createTestApp({
      env: { AUTH_MODE: 'jwt', JWT_JWKS_FILE: jwksFile, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
      provider: new ReplayProvider(),
    });
    try {
      const token = await signToken(key, { ...valid, sub: 'svc' });
      await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Authorization', `Bearer ${token}`)
        .send({ prompt: 'hi', max_tokens: 8 })
        .expect(200);
      const other = await signToken(await newSigningKey('file-1', 'ES256'), { ...valid, sub: 'svc' });
      await request(app.getHttpServer())
        .post('/v1/generate')
        .set('Authorization', `Bearer ${other}`)
        .send({ prompt: 'hi', max_tokens: 8 })
        .expect(401);
    } finally {
      await app.close();
      keysFile.remove();
    }
  });
});
