import type { IncomingMessage } from 'node:http';

import { plainBodyLength } from './plain-body';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('plainBodyLength: which bodies are read directly', () => {
  const json = { 'content-type': 'application/json', 'content-length': '100' };

  it('takes UTF-8 JSON with a Content-Length up to the limit, and not one byte more', () => {
    expect(plainBodyLength(request(json), 100)).toBe(100);
    expect(
      plainBodyLength(request({ ...json, 'content-type': 'application/json; charset=UTF-8' }), 100),
    ).toBe(100);
    expect(plainBodyLength(request({ ...json, 'content-encoding': 'identity' }), 100)).toBe(100);
    expect(plainBodyLength(request(json), 99)).toBeUndefined();
  });

  it("leaves compressed, chunked, other charsets and other types to Express' reader", () => {
    expect(plainBodyLength(request({ ...json, 'content-encoding': 'gzip' }), 1000)).toBeUndefined();
    expect(plainBodyLength(request({ ...json, 'transfer-encoding': 'chunked' }), 1000)).toBeUndefined();
    expect(
      plainBodyLength(request({ ...json, 'content-type': 'application/json; charset=utf-16' }), 1000),
    ).toBeUndefined();
    expect(plainBodyLength(request({ ...json, 'content-type': 'text/plain' }), 1000)).toBeUndefined();
    expect(plainBodyLength(request({ 'content-length': '100' }), 1000)).toBeUndefined();
  });
});
