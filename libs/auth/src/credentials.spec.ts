import type { Request } from 'express';

import { credentialOf, looksLikeJwt } from './credentials';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as Request;

describe('credentialOf', () => {
  it('reads a bearer token, whatever the scheme case', () => {
    expect(credentialOf(withHeaders({ authorization: 'Bearer sk-gw-1' }))).toBe('sk-gw-1');
    expect(credentialOf(withHeaders({ authorization: 'bearer   sk-gw-1 ' }))).toBe('sk-gw-1');
  });

  it('reads x-api-key when there is no Authorization header', () => {
    expect(credentialOf(withHeaders({ 'x-api-key': 'sk-gw-2' }))).toBe('sk-gw-2');
  });

  it('prefers Authorization and ignores other schemes and malformed values', () => {
    expect(credentialOf(withHeaders({ authorization: 'Bearer a', 'x-api-key': 'b' }))).toBe('a');
    expect(credentialOf(withHeaders({ authorization: 'Basic dTpw' }))).toBeUndefined();
    expect(credentialOf(withHeaders({ authorization: 'Bearer a b' }))).toBeUndefined();
    expect(credentialOf(withHeaders({}))).toBeUndefined();
  });
});

describe('looksLikeJwt', () => {
  it('recognises the compact three-part form only', () => {
    expect(looksLikeJwt('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('sk-gw-abc')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
  });
});
