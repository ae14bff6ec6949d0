import type { IncomingMessage } from 'node:http';

import { BadRequestBodyError } from './http.errors';

/** How nearly every client sends JSON: no parameters, or UTF-8, the only charset JSON has (RFC 8259). */
const PLAIN_JSON_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
]);

const BYTE_ORDER_MARK = 0xfeff;

/**
 * The declared length of a body that can be read as it comes: JSON in UTF-8, not compressed, with a
 * Content-Length within `maxBytes`. Anything else (compressed, chunked, another charset, too large)
 * is left to Express' reader, which handles all of those and their errors.
 */
export function plainBodyLength(req: IncomingMessage, maxBytes: number): number | undefined {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) {
    return undefined;
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return undefined;
  }
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON_TYPES.has(type.toLowerCase())) {
    return undefined;
  }
  // Node's HTTP parser has already refused a Content-Length that is not a number.
  const length = Number(headers['content-length']);
  return Number.isSafeInteger(length) && length <= maxBytes ? length : undefined;
}

/**
 * Reads a body of `length` bytes as UTF-8 text, a leading byte order mark dropped as Express'
 * decoder drops it. A client that leaves before sending it all gets the error Express' reader gives.
 */
export function readPlainBody(req: IncomingMessage, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    // Node ends the body after exactly Content-Length bytes, or fails it when the client goes.
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (received !== length) {
        reject(new BadRequestBodyError('request.size.invalid'));
        return;
      }
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString('utf8');
      resolve(text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text);
    });
    // 'close' follows 'end' on every request; an error is built only for a body that did not end.
    const aborted = (): void => {
      if (!ended) {
        ended = true;
        reject(new BadRequestBodyError('request.aborted'));
      }
    };
    req.on('error', aborted);
    req.on('close', aborted);
  });
}
