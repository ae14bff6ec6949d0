import { isIP } from 'node:net';
import type { Resolver } from 'node:dns/promises';

/** "No such name" and "no record of this type" are answers (nothing there), not failures. */
const EMPTY_ANSWER = new Set(['ENODATA', 'ENOTFOUND']);

export class DiscoveryTimeoutError extends Error {
  constructor(hostname: string, ms: number) {
    super(`no DNS answer for ${hostname} within ${ms} ms`);
    this.name = 'DiscoveryTimeoutError';
  }
}

/**
 * Every IPv4 and IPv6 address of `hostname`, sorted (so that a bounded answer picks the same
 * addresses every time, on every replica). Rejects when neither family got an answer in `timeoutMs`
 * or the server failed; an empty list means the name has no address now.
 */
export async function resolveAddresses(
  resolver: Resolver,
  hostname: string,
  timeoutMs: number,
): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(new DiscoveryTimeoutError(hostname, timeoutMs));
    }, timeoutMs);
  });
  try {
    const [v4, v6] = await Promise.race([
      Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]),
      late,
    ]);
    const answered = [v4, v6].filter(
      (result) => result.status === 'fulfilled' || EMPTY_ANSWER.has(errorCode(result.reason)),
    );
    if (answered.length === 0) {
      throw v4.status === 'rejected' ? (v4.reason as Error) : new Error('DNS lookup failed');
    }
    const addresses = answered.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    return [...new Set(addresses)].sort(compareAddresses);
  } finally {
    clearTimeout(timer);
  }
}

/** The endpoint URL of one address: IPv6 in brackets. */
export function endpointUrl(address: string, port: number): string {
  return isIP(address) === 6 ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

function errorCode(reason: unknown): string {
  const code = (reason as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

function compareAddresses(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
