import { Pool, type Dispatcher } from 'undici';

import { fromStatus } from './ollama-errors';
import { protocolError } from './upstream-detail';

/** The part of an error body kept (for the logs): the rest is never read. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

type ResponseBody = Dispatcher.ResponseData['body'];

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * HTTP to one Ollama server over a keep-alive connection pool. Redirects are never followed (undici's
 * request API follows none unless told to): a 3xx is a domain error like any other non-2xx status.
 * No header or body timeouts here: the gateway enforces its own first-token and idle deadlines, and
 * a cold model load can take longer than any fixed one.
 */
export class OllamaHttp {
  private readonly pool: Pool;
  private readonly prefix: string;

  /** `baseUrl` is a full base URL with its port (see normaliseOllamaHost). */
  constructor(baseUrl: string, connectTimeoutMs: number) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: connectTimeoutMs },
      keepAliveTimeout: 30_000,
    });
  }

  /** POSTs `body` as JSON, the answer going to `handler` as it arrives (see OllamaGenerationCall). */
  dispatchPost(
    path: string,
    body: unknown,
    headers: Readonly<Record<string, string>> | undefined,
    handler: Dispatcher.DispatchHandlers,
  ): void {
    this.pool.dispatch(
      {
        path: this.prefix + path,
        method: 'POST',
        headers: headers ? { ...headers, ...JSON_HEADERS } : JSON_HEADERS,
        body: JSON.stringify(body),
      },
      handler,
    );
  }

  /**
   * POSTs `body` and reads a JSON answer of at most `maxBytes`. `mapFailure` may turn a non-2xx answer
   * (status and the error text Ollama sent) into a more precise domain error.
   */
  async postJson(
    path: string,
    body: unknown,
    model: string,
    maxBytes: number,
    options: { signal?: AbortSignal; mapFailure?: (status: number, message: string) => Error | undefined },
  ): Promise<unknown> {
    const response = await this.pool.request({
      path: this.prefix + path,
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
      signal: options.signal,
    });
    if (response.statusCode >= 300 || response.statusCode < 200) {
      if (response.statusCode < 300 || response.statusCode >= 400) {
        const { text } = await readCapped(response.body, MAX_ERROR_BODY_BYTES).catch(() => ({ text: '' }));
        const mapped = options.mapFailure?.(response.statusCode, errorText(text));
        if (mapped) {
          throw mapped;
        }
        throw fromStatus(response.statusCode, model, text);
      }
      throw await failureOf(response.statusCode, response.headers.location, response.body, model);
    }
    return parseCapped(response.body, path, maxBytes);
  }

  /** GETs a JSON document of at most `maxBytes`. */
  async getJson(path: string, maxBytes: number, signal?: AbortSignal): Promise<unknown> {
    const response = await this.pool.request({ path: this.prefix + path, method: 'GET', signal });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw await failureOf(response.statusCode, response.headers.location, response.body, '');
    }
    return parseCapped(response.body, path, maxBytes);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

async function parseCapped(body: ResponseBody, path: string, maxBytes: number): Promise<unknown> {
  const { text, cut } = await readCapped(body, maxBytes);
  if (cut) {
    throw protocolError(
      'the inference backend sent a malformed answer',
      `${path} exceeded ${maxBytes} bytes`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw protocolError('the inference backend sent a malformed answer', `${path} is not JSON`);
  }
}

/** The `error` text of Ollama's `{"error": "..."}` body, or the body itself. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : body;
  } catch {
    return body;
  }
}

async function failureOf(
  status: number,
  location: string | string[] | undefined,
  body: ResponseBody,
  model: string,
): Promise<Error> {
  if (status >= 300 && status < 400) {
    discard(body);
    return fromStatus(status, model, '', String(location ?? ''));
  }
  const { text } = await readCapped(body, MAX_ERROR_BODY_BYTES).catch(() => ({ text: '' }));
  return fromStatus(status, model, text);
}

/**
 * At most `maxBytes` of the body, as text; `cut` when there was more, and then the connection is
 * dropped instead of reading on, however much the upstream meant to send.
 */
async function readCapped(body: ResponseBody, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      parts.push(chunk.subarray(0, maxBytes - size));
      discard(body);
      return { text: Buffer.concat(parts).toString('utf8'), cut: true };
    }
    size += chunk.length;
    parts.push(chunk);
  }
  return { text: Buffer.concat(parts).toString('utf8'), cut: false };
}

/** Drops the connection under a body that will not be read (undici reports that as an error event). */
function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}
