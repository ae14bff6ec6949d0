import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sendJson } from './json-response';

describe('sendJson', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => sendJson(res, 201, { text: 'héllo ✓', n: [1, 2] }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers the status, a JSON content type and the byte length of multi-byte text', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ text: 'héllo ✓', n: [1, 2] });
  });
});
