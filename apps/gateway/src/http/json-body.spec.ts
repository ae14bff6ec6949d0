import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type Request, type Response } from 'express';
import request from 'supertest';

import { toApiError } from './error-mapping';
import { createJsonBodyParser } from './json-body';

/** A bare Express app that calls the parser from its route: the parser depends on no middleware. */
function appWith(maxBytes = 1024) {
  const parse = createJsonBodyParser({
    maxBytes,
    maxDepth: 4,
    maxStringLength: 64,
    maxArrayLength: 8,
    maxNodes: 32,
  });
  const app = express();
  const route = (anyContentType: boolean) => (req: Request, res: Response) => {
    parse(req, anyContentType).then(
      (body) => res.json({ body: body ?? null }),
      (error: unknown) => {
        const { status, code, message } = toApiError(error);
        res.status(status).json({ code, message });
      },
    );
  };
  app.post('/', route(false));
  app.post('/any-type', route(true));
  return app;
}

describe('createJsonBodyParser', () => {
  const app = appWith();
  const post = (body: string, type = 'application/json') =>
    request(app).post('/').set('Content-Type', type).send(body);

  it('parses a JSON object or array', async () => {
    expect((await post('{"a":[1,"x",null]}').expect(200)).body).toEqual({ body: { a: [1, 'x', null] } });
    expect((await post(' [true] ').expect(200)).body).toEqual({ body: [true] });
  });

  it('resolves undefined without a body, and {} for an empty one', async () => {
    expect((await request(app).post('/').expect(200)).body).toEqual({ body: null });
    expect((await post('').set('Transfer-Encoding', 'chunked').expect(200)).body).toEqual({ body: {} });
  });

  it('rejects a structural limit before parsing, with its code', async () => {
    const res = await post(`{"a":[${'0,'.repeat(8)}0]}`).expect(400);
    expect(res.body).toEqual({
      code: 'json_array_too_long',
      message: 'JSON body holds an array longer than 8 elements',
    });
    // Not JSON at all, yet the limit is what is reported: the text is never parsed.
    expect((await post(`[${'[],'.repeat(9)}`).expect(400)).body.code).toBe('json_array_too_long');
  });

  it('rejects text that is not JSON, or a bare value, as invalid JSON', async () => {
    for (const text of ['{"a":', '"just a string"', '42', 'nul']) {
      expect((await post(text).expect(400)).body.message).toBe('request body is not valid JSON');
    }
  });

  it('rejects another media type with 415 and a body over the size limit with 413', async () => {
    await post('a=1', 'application/x-www-form-urlencoded').expect(415);
    await post(JSON.stringify({ a: 'x'.repeat(60), b: 'y'.repeat(60) }), 'application/json').expect(200);
    await request(appWith(100))
      .post('/')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(60), b: 'y'.repeat(60) }))
      .expect(413);
  });

  it("with anyContentType, reads the body as JSON whatever its type, as Ollama's curl examples send it", async () => {
    const form = 'application/x-www-form-urlencoded';
    const sent = (body: string | Buffer, type?: string) => {
      const req = request(app).post('/any-type');
      return type === undefined ? req.send(body) : req.set('Content-Type', type).send(body);
    };
    expect((await sent('{"model":"m","prompt":"hi"}', form).expect(200)).body).toEqual({
      body: { model: 'm', prompt: 'hi' },
    });
    expect((await sent('{"a":1}', 'text/plain').expect(200)).body).toEqual({ body: { a: 1 } });
    expect((await sent(Buffer.from('{"a":1}')).expect(200)).body).toEqual({ body: { a: 1 } });
    // Still JSON only, and still bounded.
    expect((await sent('a=1', form).expect(400)).body.message).toBe('request body is not valid JSON');
    await request(appWith(100))
      .post('/any-type')
      .set('Content-Type', form)
      .send(JSON.stringify({ a: 'x'.repeat(60), b: 'y'.repeat(60) }))
      .expect(413);
  });

  describe('a plain UTF-8 body is read directly, anything else as Express reads it, with the same result', () => {
    const text = '\uFEFF{"text":"héllo wörld ✓ 😀","n":[1,2]}';
    const expected = { body: { text: 'héllo wörld ✓ 😀', n: [1, 2] } };

    it.each([
      ['application/json', false],
      ['Application/JSON; charset=UTF-8', false],
      ['application/json; charset="utf-8"', false],
      ['application/json', true],
    ])('Content-Type %s, gzip %s', async (type, gzip) => {
      const body = Buffer.from(text, 'utf8');
      const req = request(app)
        .post('/')
        .set('Content-Type', type)
        // The bytes as they are: superagent would serialise a Buffer as JSON.
        .serialize((bytes: Buffer) => bytes as never);
      const res = await (gzip ? req.set('Content-Encoding', 'gzip').send(gzipSync(body)) : req.send(body));
      expect(res.body).toEqual(expected);
      expect(res.status).toBe(200);
    });

    it('a body cut short by a client that leaves is "could not be read", never parsed', async () => {
      const failures: unknown[] = [];
      const parse = createJsonBodyParser({
        maxBytes: 1024,
        maxDepth: 4,
        maxStringLength: 64,
        maxArrayLength: 8,
        maxNodes: 32,
      });
      const server = express()
        .post('/', (req: Request) => {
          parse(req).catch((error: unknown) => failures.push(toApiError(error)));
        })
        .listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
        await once(socket, 'connect');
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.destroy();
        for (let i = 0; i < 50 && failures.length === 0; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(failures).toEqual([
          expect.objectContaining({ status: 400, message: 'request body could not be read' }),
        ]);
      } finally {
        server.close();
      }
    });
  });
});
