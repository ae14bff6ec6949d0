import { UpstreamProtocolError } from '@gateway/inference';

/** Longest piece of upstream text kept for the logs. */
const DETAIL_CHARS = 300;

/**
 * What the upstream actually did, kept as the `cause` of a domain error: it goes to the logs (with the
 * request id), never to the client, whose message stays the fixed one of the error's code.
 */
export class UpstreamDetail extends Error {
  override readonly name = 'UpstreamDetail';
}

export function upstreamDetail(detail: string): UpstreamDetail {
  return new UpstreamDetail(truncate(detail));
}

/** A protocol error with a message safe for the client and the specifics in its cause. */
export function protocolError(message: string, detail: string): UpstreamProtocolError {
  return new UpstreamProtocolError(message, { cause: upstreamDetail(detail) });
}

export function truncate(text: string, max = DETAIL_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
