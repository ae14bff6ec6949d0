import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { UpstreamTimeoutError, UpstreamUnavailableError } from '@gateway/inference';
import request from 'supertest';

import { sampleValue } from './support/metrics';
import { ReplayProvider } from './support/replay-provider';
import { baseUrl, createTestApp } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';
const ROUTE = '/v1/generate';

describe('/metrics', () => {
  let app: NestExpressApplication;
  const provider = new ReplayProvider(MODEL);

  beforeAll(async () => {
    app = await createTestApp({ provider, env: { MODEL_NAME: MODEL } });
  });

  afterAll(async () => {
    await app?.close();
  });

  const exposition = async (): Promise<string> => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return res.text;
  };
  const generate = (body: object = { prompt: 'Hi' }, headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).post(ROUTE).set(headers).send(body);

  /** How much `name{labels}` moved while `action` ran. */
  async function delta(name: string, labels: Record<string, string>, action: () => Promise<unknown>) {
    const before = sampleValue(await exposition(), name, labels);
    await action();
    return sampleValue(await exposition(), name, labels) - before;
  }

  describe('token counters', () => {
    it('a request that generated N tokens adds exactly N completion tokens (and its prompt tokens)', async () => {
      const labels = { model: MODEL, route: ROUTE };
      const before = await exposition();
      provider.next({ kind: 'tokens', tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], promptTokens: 11 });
      const res = await generate().expect(200);
      expect(res.body).toMatchObject({ tokens_generated: 7 });
      const after = await exposition();
      const moved = (name: string) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
      expect(moved('llm_gateway_completion_tokens_total')).toBe(7);
      expect(moved('llm_gateway_prompt_tokens_total')).toBe(11);
      expect(moved('llm_gateway_time_to_first_token_seconds_count')).toBe(1);
      expect(moved('llm_gateway_upstream_duration_seconds_count')).toBe(1);
    });

    it('failed and rejected requests add no tokens', async () => {
      const labels = { model: MODEL, route: ROUTE };
      const moved = await delta('llm_gateway_completion_tokens_total', labels, async () => {
        provider.next({ kind: 'error', error: new UpstreamUnavailableError('down') });
        await generate().expect(503);
        await generate({ prompt: '' }).expect(400);
      });
      expect(moved).toBe(0);
    });
  });

  describe('requests_total by route and outcome', () => {
    it.each<[string, () => void, object, number]>([
      ['success', () => undefined, { prompt: 'Hi' }, 200],
      ['client_error', () => undefined, { prompt: 'Hi', max_tokens: 0 }, 400],
      [
        'upstream_error',
        () => provider.next({ kind: 'error', error: new UpstreamUnavailableError('down') }),
        { prompt: 'Hi' },
        503,
      ],
      [
        'timeout',
        () => provider.next({ kind: 'error', error: new UpstreamTimeoutError('first_token', 10) }),
        { prompt: 'Hi' },
        504,
      ],
    ])('%s adds one', async (outcome, arrange, body, status) => {
      arrange();
      const moved = await delta('llm_gateway_requests_total', { route: ROUTE, outcome }, async () => {
        await generate(body).expect(status);
      });
      expect(moved).toBe(1);
    });

    it('observes the duration of every request once', async () => {
      const moved = await delta(
        'llm_gateway_request_duration_seconds_count',
        { route: ROUTE, outcome: 'success' },
        () => generate().expect(200),
      );
      expect(moved).toBe(1);
    });
  });

  it.each([ROUTE, ROUTE.toUpperCase()])(
    'counts an API request in flight while it runs, and is back to 0 once it is answered (%s)',
    async (path) => {
      provider.next({ kind: 'hang' });
      const url = await baseUrl(app);
      const caller = new AbortController();
      const pending = fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ prompt: 'Hi' }),
        signal: caller.signal,
      }).catch(() => undefined);
      const asked = provider.requests.length;
      while (provider.requests.length === asked) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(sampleValue(await exposition(), 'llm_gateway_requests_in_flight')).toBe(1);
      caller.abort();
      await pending;
      let inFlight = 1;
      for (let i = 0; i < 100 && inFlight !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight = sampleValue(await exposition(), 'llm_gateway_requests_in_flight');
      }
      expect(inFlight).toBe(0);
    },
  );

  it('probes and scrapes are not counted in flight', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    expect(sampleValue(await exposition(), 'llm_gateway_requests_in_flight')).toBe(0);
  });

  it("observes the gateway's own overhead for every generation", async () => {
    const moved = await delta('llm_gateway_overhead_seconds_count', { route: ROUTE }, () =>
      generate().expect(200),
    );
    expect(moved).toBe(1);
  });

  it('passes `promtool check metrics` after traffic', async () => {
    await generate().expect(200);
    await generate({ prompt: '' }).expect(400);
    await request(app.getHttpServer()).get('/nowhere').expect(404);
    const text = await exposition();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (check.error) {
      throw new Error(
        `promtool is needed to lint the exposition and could not run (${check.error.message}); ` +
          'install it with `apt-get install prometheus`',
      );
    }
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    expect(check.status).toBe(0);
  });

  describe('label cardinality stays bounded', () => {
    /** Every llm_gateway_* series (name and labels), without values. */
    const seriesOf = (text: string): Set<string> =>
      new Set(
        text
          .split('\n')
          .filter((line) => line.startsWith('llm_gateway_'))
          .map((line) => line.slice(0, line.lastIndexOf(' '))),
      );

    async function trafficWith(unique: string): Promise<void> {
      await generate({ prompt: `secret prompt ${unique}` }, { 'X-Request-Id': `req-${unique}` }).expect(200);
      await generate({ prompt: `bad ${unique}`, [`field_${unique.slice(0, 8)}`]: 1 }).expect(400);
      await request(app.getHttpServer()).get(`/v1/${unique}`).expect(404);
      await request(app.getHttpServer()).post(`/v1/generate/${unique}`).send({}).expect(404);
      await request(app.getHttpServer()).get(`/${unique}?key=${unique}`).expect(404);
    }

    it('no prompt, id, key or path ever becomes a label value', async () => {
      const unique = randomUUID();
      await trafficWith(unique);
      const text = await exposition();
      expect(text).not.toContain(unique);
      expect(text).not.toContain(unique.slice(0, 8));
      expect(text).not.toContain('secret prompt');
    });

    it('unmatched paths share one bounded route label', async () => {
      await trafficWith(randomUUID());
      const routes = new Set(
        [...(await exposition()).matchAll(/llm_gateway_requests_total\{[^}]*route="([^"]*)"/g)].map(
          (m) => m[1],
        ),
      );
      expect(routes.has('unmatched')).toBe(true);
      for (const route of routes) {
        expect(route === 'unmatched' || route.startsWith('/')).toBe(true);
      }
    });

    it('more traffic of the same kinds creates no new series', async () => {
      await trafficWith(randomUUID());
      const before = seriesOf(await exposition());
      await trafficWith(randomUUID());
      await trafficWith(randomUUID());
      const after = seriesOf(await exposition());
      expect([...after].filter((series) => !before.has(series))).toEqual([]);
    });
  });
});
