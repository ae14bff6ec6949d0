import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { scrape } from './support/metrics';
import { after, jsonBodyOf, openRaw, type RawConnection } from './support/raw-connection';
import { dataOf, readEvents } from './support/sse-client';
import { baseUrl, createTestApp } from './support/test-app';
import { startGatewayOnFakeOllama, stopGatewayOnFakeOllama } from './support/gateway-on-fake-ollama';

const MODEL = 'qwen2.5:0.5b';
const HEADERS_TIMEOUT_MS = 300;
const BODY_TIMEOUT_MS = 1500;

const slowChatHead = (contentLength: number) =>
  'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${contentLength}\r\n\r\n{"model":`;

describe('the body deadline under many slow bodies', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    // Node checks the header deadline from the moment it accepts a connection until it has parsed the
    // head; an event loop busy with the other 39 requests for longer than a short header deadline
    // would close a complete head early. Equal deadlines keep this test about the body.
    ({ ollama, app, url } = await startGatewayOnFakeOllama(MODEL, {
      env: {
        REQUEST_HEADERS_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
        REQUEST_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      },
    }));
  });

  afterAll(() => stopGatewayOnFakeOllama({ ollama, app }));

  it('closes 40 slow partial 1 MB bodies with a JSON 408 once REQUEST_BODY_TIMEOUT_MS has passed', async () => {
    const started = Date.now();
    const slow = await Promise.all(Array.from({ length: 40 }, () => openRaw(url, slowChatHead(1_000_000))));
    // The gateway keeps serving meanwhile.
    await request(app.getHttpServer()).get('/health').expect(200);
    const closedAt = await Promise.race([
      Promise.all(slow.map((connection) => connection.closed)),
      after(BODY_TIMEOUT_MS + 8_000, 'still open' as const),
    ]);
    expect(closedAt).not.toBe('still open');
    for (const [index, connection] of slow.entries()) {
      expect((closedAt as number[])[index] - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 100);
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(connection.received()).toMatch(/\r\nConnection: close\r\n/i);
      expect(jsonBodyOf(connection.received())).toEqual({
        error: {
          message: 'the request did not arrive in time',
          type: 'invalid_request_error',
          param: null,
          code: 'request_timeout',
        },
      });
    }
    expect(ollama.generationCalls()).toHaveLength(0);
  });
});

describe('request deadlines and idle connections', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ ollama, app, url } = await startGatewayOnFakeOllama(MODEL, {
      env: {
        REQUEST_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        REQUEST_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
        KEEP_ALIVE_TIMEOUT_MS: '500',
        IDLE_TIMEOUT_MS: '5000',
      },
    }));
  });

  afterAll(() => stopGatewayOnFakeOllama({ ollama, app }));

  it('closes a connection whose headers stall with a JSON 408 after REQUEST_HEADERS_TIMEOUT_MS', async () => {
    const started = Date.now();
    const stalled = await openRaw(url, 'GET /health HTTP/1.1\r\nHost: gateway\r\n');
    const closedAt = await stalled.closed;
    expect(closedAt - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    // Well before the body deadline, which counts from the same first byte.
    expect(closedAt - started).toBeLessThan(BODY_TIMEOUT_MS);
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(jsonBodyOf(stalled.received())).toMatchObject({ error: { code: 'request_timeout' } });
  });

  it('accepts a body that arrives slowly but within the deadline', async () => {
    const body = JSON.stringify({ prompt: 'hi', max_tokens: 8 });
    const connection = await openRaw(
      url,
      'POST /v1/generate HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
    );
    await after(BODY_TIMEOUT_MS / 3, undefined);
    connection.socket.write(body.slice(5));
    await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const connection = await openRaw(url, 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const answeredAt = Date.now();
    const closedAt = await Promise.race([connection.closed, after(4_000, 'still open' as const)]);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAt).not.toBe('still open');
    expect((closedAt as number) - answeredAt).toBeGreaterThanOrEqual(400);
  });

  it('never cuts a stream that outlasts the body deadline', async () => {
    const tokens = Array.from({ length: 12 }, (_, i) => ` t${i}`);
    // 12 tokens 300 ms apart: over twice the body deadline, ten times the header deadline.
    ollama.next({ kind: 'tokens', tokens, interTokenDelayMs: 300 });
    const started = Date.now();
    const res = await fetch(`${url}/v1/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'count', stream: true }),
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(Date.now() - started).toBeGreaterThan(2 * BODY_TIMEOUT_MS);
    expect(dataOf(events, 'delta')).toEqual(tokens.map((text) => ({ text })));
    expect(dataOf(events, 'done')).toHaveLength(1);
  });
});

describe('MAX_CONNECTIONS', () => {
  const MAX = 4;
  let app: NestExpressApplication;
  let url: string;
  const open: RawConnection[] = [];

  beforeAll(async () => {
    app = await createTestApp({ env: { MAX_CONNECTIONS: String(MAX) } });
    url = await baseUrl(app);
  });

  afterAll(async () => {
    open.forEach((connection) => connection.socket.destroy());
    await app?.close();
  });

  it('closes a connection beyond the limit at once, counts it, and accepts again when one frees', async () => {
    for (let i = 0; i < MAX; i += 1) {
      // Each answered once and held open by keep-alive, so the server has certainly counted it.
      const connection = await openRaw(url, 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
      open.push(connection);
      while (!connection.received().includes('\r\n\r\n')) {
        await after(10, undefined);
      }
    }
    const refused = await openRaw(url, 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const closed = await Promise.race([refused.closed, after(3_000, 'still open' as const)]);
    expect(closed).not.toBe('still open');
    expect(refused.received()).toBe('');

    const freed = open.pop() as RawConnection;
    freed.socket.destroy();
    await freed.closed;
    await after(50, undefined);
    expect(await scrape(app.getHttpServer(), 'llm_gateway_connections_dropped_total')).toBe(1);
  });
});
