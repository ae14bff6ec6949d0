import type { ServerResponse } from 'node:http';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Ends `res` with `body` as JSON. What Express' `res.json` sends for our bodies (the same
 * Content-Type and Content-Length), without its per-response work that an API never needs:
 * content negotiation of the charset, JSONP, freshness checks.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
