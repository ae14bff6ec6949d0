/**
 * The `req` field of a log line about one request. Every line written while serving a request
 * carries it: there is no per-request logger to add it (see apps/gateway/src/http/logging.ts).
 */
export function requestLogField(requestId: string): { req: { id: string } };
export function requestLogField(requestId: string | undefined): { req: { id: string } } | undefined;
export function requestLogField(requestId: string | undefined): { req: { id: string } } | undefined {
  return requestId === undefined ? undefined : { req: { id: requestId } };
}
