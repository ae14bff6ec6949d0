import request from 'supertest';
import type { App } from 'supertest/types';

/** Reads one sample from a Prometheus exposition; labels match in any order; absent samples read as 0. */
export function sampleValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(match[3]);
    }
  }
  return 0;
}

/** Scrapes /metrics of a running app and returns one sample. */
export async function scrape(
  server: App,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await request(server).get('/metrics').expect(200);
  return sampleValue(res.text, name, labels);
}
