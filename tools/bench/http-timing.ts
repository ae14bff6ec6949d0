import { Agent, request } from 'node:http';

/** One client on one keep-alive connection, as a service calling the gateway would use. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export interface Timing {
  /** Until the whole answer was read. */
  totalMs: number;
  /** Until the body first contained `marker` (undefined when no marker was asked for). */
  markerMs?: number;
  /** The answer's text, when asked for. */
  text?: string;
  /** The answer's Server-Timing header, if it had one. */
  serverTiming?: string;
}

/**
 * POSTs `body` and reads the whole answer, noting when `marker` first shows up in it; with `keepText`,
 * the answer's text comes back too.
 */
export function timedPost(url: string, body: string, marker?: string, keepText = false): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let markerMs: number | undefined;
        let seen = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (keepText || (marker !== undefined && markerMs === undefined)) {
            seen += chunk;
          }
          if (marker !== undefined && markerMs === undefined && seen.includes(marker)) {
            markerMs = elapsed();
          }
        });
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) {
            reject(new Error(`${url} answered ${res.statusCode}`));
            return;
          }
          const serverTiming = res.headers['server-timing'] as string | undefined;
          resolve({ totalMs: elapsed(), markerMs, serverTiming, ...(keepText ? { text: seen } : {}) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
