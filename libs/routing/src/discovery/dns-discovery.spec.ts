import type { InferenceProvider, ModelStatus } from '@gateway/inference';

import { DnsResponder } from '../../../../test/fixtures/dns-responder';
import { CircuitBreaker } from '../circuit-breaker';
import { EndpointPool } from '../endpoint-pool';
import { UpstreamEndpoint } from '../upstream-endpoint';
import { DnsDiscovery } from './dns-discovery';

const SOURCE = { name: 'dns://ollama.test:11434', hostname: 'ollama.test', port: 11434 };

/** A backend whose readiness answer the test sets per address. */
function backend(status: () => ModelStatus): InferenceProvider {
  return { modelStatus: () => Promise.resolve(status()) } as unknown as InferenceProvider;
}

describe('DnsDiscovery', () => {
  let dns: DnsResponder;
  let pool: EndpointPool;
  let discarded: string[];
  let failures: number;
  const ready = new Set<string>();

  const discovery = (overrides: { maxEndpoints?: number; timeoutMs?: number } = {}): DnsDiscovery =>
    new DnsDiscovery({
      source: SOURCE,
      settings: {
        intervalMs: 60_000,
        timeoutMs: overrides.timeoutMs ?? 500,
        maxEndpoints: overrides.maxEndpoints ?? 64,
        dnsServer: dns.server,
      },
      pool,
      createEndpoint: (url, source) =>
        new UpstreamEndpoint(
          url,
          backend(() => ({ reachable: true, present: ready.has(url), loaded: false, available: [] })),
          2,
          new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, probeIntervalMs: 1000 }),
          source,
        ),
      requiredModels: () => ['qwen2.5:0.5b'],
      discard: (endpoint) => discarded.push(endpoint.name),
      observer: { counted: () => undefined, failed: () => (failures += 1) },
    });
  const names = (): string[] => pool.current().map((endpoint) => endpoint.name);

  beforeEach(async () => {
    dns = await new DnsResponder().start();
    pool = new EndpointPool([]);
    discarded = [];
    failures = 0;
    ready.clear();
  });

  afterEach(async () => {
    await dns.stop();
  });

  it('uses the lowest addresses up to the bound, the same on every lookup', async () => {
    dns.set('ollama.test', ['10.0.0.12', '10.0.0.3', '10.0.0.7']);
    ['http://10.0.0.3:11434', 'http://10.0.0.7:11434', 'http://10.0.0.12:11434'].forEach((u) => ready.add(u));
    const bounded = discovery({ maxEndpoints: 2 });
    await bounded.round();
    await bounded.round();
    expect(names()).toEqual(['http://10.0.0.3:11434', 'http://10.0.0.7:11434']);
    bounded.stop();
  });

  it('keeps an address pending until its model is there, and forgets it if it vanishes first', async () => {
    dns.set('ollama.test', ['10.0.0.1']);
    const watcher = discovery();
    await watcher.round();
    expect(names()).toEqual([]);
    dns.set('ollama.test', []);
    await watcher.round();
    expect(discarded).toEqual(['http://10.0.0.1:11434']);
    dns.set('ollama.test', ['10.0.0.1']);
    ready.add('http://10.0.0.1:11434');
    await watcher.round();
    expect(names()).toEqual(['http://10.0.0.1:11434']);
    watcher.stop();
  });

  it('gives up on a silent DNS server after the timeout and keeps the last good set', async () => {
    dns.set('ollama.test', ['10.0.0.1']);
    ready.add('http://10.0.0.1:11434');
    const watcher = discovery({ timeoutMs: 200 });
    await watcher.round();
    dns.mode = 'silent';
    const started = Date.now();
    await watcher.round();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failures).toBe(1);
    expect(names()).toEqual(['http://10.0.0.1:11434']);
    watcher.stop();
  });

  it('retires every address when the name no longer exists', async () => {
    dns.set('ollama.test', ['10.0.0.1']);
    ready.add('http://10.0.0.1:11434');
    const watcher = discovery();
    await watcher.round();
    dns.remove('ollama.test');
    await watcher.round();
    expect(names()).toEqual([]);
    expect(failures).toBe(0);
    watcher.stop();
  });
});
