import type { NestExpressApplication } from '@nestjs/platform-express';
import { UpstreamUnavailableError } from '@gateway/inference';
import request from 'supertest';

import { ReplayProvider } from './support/replay-provider';
import { createTestApp } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  let app: NestExpressApplication;
  const provider = new ReplayProvider('m');

  beforeAll(async () => {
    app = await createTestApp({ provider, env: { MODEL_NAME: 'm' } });
  });

  afterAll(async () => {
    await app?.close();
  });

  const generate = (body: object, id?: string) => {
    const req = request(app.getHttpServer()).post('/v1/generate');
    return (id === undefined ? req : req.set('X-Request-Id', id)).send(body);
  };

  it.each(['abc-123', 'trace:01HZX.42_a', 'x'.repeat(128)])('echoes a well-formed id %j', async (id) => {
    const res = await generate({ prompt: 'Hi' }, id).expect(200);
    expect(res.headers['x-request-id']).toBe(id);
  });

  it('makes a fresh UUID when the caller sent none, different for every request', async () => {
    const first = await generate({ prompt: 'Hi' }).expect(200);
    const second = await generate({ prompt: 'Hi' }).expect(200);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'a b'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a quote', 'id"injected'],
    ['empty', ''],
  ])('replaces an id that is %s', async (_case, id) => {
    const res = await generate({ prompt: 'Hi' }, id).expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('puts the same id in an error body as in the header', async () => {
    const res = await generate({ prompt: '' }, 'client-chosen-1').expect(400);
    expect(res.headers['x-request-id']).toBe('client-chosen-1');
    expect(res.body).toMatchObject({ error: { request_id: 'client-chosen-1' } });
  });

  it('puts a generated id in an upstream error body too', async () => {
    provider.next({ kind: 'error', error: new UpstreamUnavailableError('down') });
    const res = await generate({ prompt: 'Hi' }).expect(503);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body).toMatchObject({ error: { request_id: res.headers['x-request-id'] } });
  });

  it('is set on every route: 404s, probes and scrapes', async () => {
    const notFound = await request(app.getHttpServer())
      .get('/nothing')
      .set('X-Request-Id', 'nf-1')
      .expect(404);
    expect(notFound.headers['x-request-id']).toBe('nf-1');
    expect(notFound.body).toMatchObject({ error: { request_id: 'nf-1' } });
    for (const path of ['/health', '/ready', '/metrics']) {
      const res = await request(app.getHttpServer()).get(path);
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
  });
});
