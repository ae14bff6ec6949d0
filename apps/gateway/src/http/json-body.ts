import { text, type Request, type Response } from 'express';

import { BadRequestBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http.errors';
import { assertJsonWithinLimits, type JsonLimits } from './json-limits';
import { plainBodyLength, readPlainBody } from './plain-body';

export interface JsonBodyLimits extends JsonLimits {
  maxBytes: number;
}

/**
 * Reads a request's JSON body; resolves `undefined` when the request has none. With `anyContentType`
 * the body is JSON whatever its Content-Type says, as Ollama's own server reads it (its documentation's
 * `curl ... -d '{...}'` sends `application/x-www-form-urlencoded`); otherwise a body that does not say
 * `application/json` is refused with 415.
 */
export type JsonBodyParser = (req: Request, anyContentType?: boolean) => Promise<unknown>;

type TextReader = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/**
 * Reads the body as text (a plain UTF-8 body directly, anything else with the size limit, charset and
 * content encodings as Express' parsers handle them), checks the structural limits on the text, and only then parses it. Independent of where in
 * the pipeline it runs; rejections are the HTTP errors the caller should get.
 */
export function createJsonBodyParser(limits: JsonBodyLimits): JsonBodyParser {
  const read = text({ limit: limits.maxBytes, type: () => true }) as TextReader;
  return async (req, anyContentType = false) => {
    if (!hasBody(req)) {
      return undefined;
    }
    const plainLength = plainBodyLength(req, limits.maxBytes);
    if (plainLength !== undefined) {
      return parseJsonText(await readPlainBody(req, plainLength), limits);
    }
    if (!anyContentType && !req.is('application/json')) {
      throw new UnsupportedMediaTypeError();
    }
    return parseJsonText(await readText(read, req), limits);
  };
}

function readText(read: TextReader, req: Request): Promise<string> {
  return new Promise((resolve, reject) => {
    // The reader hands the response only to hooks that are not used here.
    read(req, req.res as Response, (error?: unknown) => {
      if (!error) {
        resolve(req.body as string);
        return;
      }
      const type = (error as { type?: unknown }).type;
      reject(type === 'entity.too.large' ? new PayloadTooLargeError() : new BadRequestBodyError(type));
    });
  });
}

function parseJsonText(body: string, limits: JsonLimits): unknown {
  if (body.length === 0) {
    // Like Express' JSON parser: an empty body is an empty object, a common client-side habit.
    return {};
  }
  assertJsonWithinLimits(body, limits);
  // Only objects and arrays at the top level, as Express' strict JSON parser accepts.
  const first = body.trimStart()[0];
  if (first !== '{' && first !== '[') {
    throw new BadRequestBodyError('entity.parse.failed');
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new BadRequestBodyError('entity.parse.failed');
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
