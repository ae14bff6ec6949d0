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
  app.post('/', (req: Request, res: Response) => {
    parse(req).then(
      (body) => res.json({ body: body ?? null }),
      (error: unknown) => {
        const { status, code, message } = toApiError(error);
        res.status(status).json({ code, message });
      },
    );
  });
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
});
