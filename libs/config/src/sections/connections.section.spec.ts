import { loadConfig } from '../load-config';

describe('connection and JSON limits configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.connections).toEqual({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 1024,
    });
    expect(config.httpHardening).toMatchObject({ maxArrayLength: 8192, maxNodes: 100_000 });
  });

  it('reads the settings, 0 connections meaning no limit', () => {
    const config = loadConfig({
      REQUEST_HEADERS_TIMEOUT_MS: '2000',
      REQUEST_BODY_TIMEOUT_MS: '5000',
      KEEP_ALIVE_TIMEOUT_MS: '1000',
      MAX_CONNECTIONS: '0',
      MAX_JSON_ARRAY_LENGTH: '100',
      MAX_JSON_NODES: '5000',
    });
    expect(config.connections).toEqual({
      headersTimeoutMs: 2000,
      bodyTimeoutMs: 5000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 0,
    });
    expect(config.httpHardening).toMatchObject({ maxArrayLength: 100, maxNodes: 5000 });
  });

  it.each([
    ['REQUEST_BODY_TIMEOUT_MS', '0'],
    ['REQUEST_HEADERS_TIMEOUT_MS', 'soon'],
    ['KEEP_ALIVE_TIMEOUT_MS', '-1'],
    ['MAX_CONNECTIONS', '1.5'],
    ['MAX_JSON_ARRAY_LENGTH', '0'],
    ['MAX_JSON_NODES', 'lots'],
  ])('rejects %s=%s', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}="${value}"`));
  });

  it('rejects a header deadline longer than the body deadline, which counts from the same first byte', () => {
    expect(() =>
      loadConfig({ REQUEST_HEADERS_TIMEOUT_MS: '20000', REQUEST_BODY_TIMEOUT_MS: '15000' }),
    ).toThrow(/REQUEST_HEADERS_TIMEOUT_MS="20000": must not exceed REQUEST_BODY_TIMEOUT_MS \(15000\)/);
  });
});
