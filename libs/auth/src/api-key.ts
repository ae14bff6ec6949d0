import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so leaked keys are recognisable by secret scanners. */
export const API_KEY_PREFIX = 'sk-gw-';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_BODY_LENGTH = 40;
export const KEY_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** A new random key: `sk-gw-` + 40 base62 characters (about 238 bits). */
export function generateApiKey(): string {
  let body = '';
  while (body.length < KEY_BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 * 62: dropping larger bytes keeps every character equally likely.
      if (byte < 248 && body.length < KEY_BODY_LENGTH) {
        body += BASE62[byte % 62];
      }
    }
  }
  return `${API_KEY_PREFIX}${body}`;
}

/**
 * The stored form of a key. Keys are long random strings, so an unsalted fast hash cannot be
 * brute-forced and lets the gateway find a key by its hash without ever storing the key.
 */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
