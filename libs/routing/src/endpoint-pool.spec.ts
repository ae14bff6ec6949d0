import type { InferenceProvider } from '@gateway/inference';

import { CircuitBreaker } from './circuit-breaker';
import { EndpointPool } from './endpoint-pool';
import { UpstreamEndpoint } from './upstream-endpoint';

function endpoint(name: string): UpstreamEndpoint {
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, probeIntervalMs: 1000 });
  return new UpstreamEndpoint(name, {} as InferenceProvider, 2, breaker, 'dns://ollama.test:11434');
}

describe('EndpointPool', () => {
  let finished: string[];
  let joined: string[];
  let pool: EndpointPool;

  beforeEach(() => {
    finished = [];
    joined = [];
    pool = new EndpointPool([]);
    pool.setHooks({ finished: (e) => finished.push(e.name), joined: (e) => joined.push(e.name) });
  });

  it('stops new work to a retired endpoint at once and finishes it after its last generation', () => {
    const leaving = endpoint('http://10.0.0.1:11434');
    pool.join(leaving);
    leaving.inflight = 2;
    pool.retire(leaving.name);
    expect(pool.current()).toEqual([]);
    expect(leaving.hasFreeSlot()).toBe(false);
    expect(pool.all()).toEqual([leaving]);
    leaving.inflight = 1;
    pool.released(leaving);
    expect(finished).toEqual([]);
    leaving.inflight = 0;
    pool.released(leaving);
    expect(finished).toEqual([leaving.name]);
    expect(pool.all()).toEqual([]);
  });

  it('finishes an idle endpoint as soon as it is retired', () => {
    pool.join(endpoint('http://10.0.0.1:11434'));
    pool.retire('http://10.0.0.1:11434');
    expect(finished).toEqual(['http://10.0.0.1:11434']);
  });

  it('takes back an address that returns while its old streams still run, as the same endpoint', () => {
    const address = endpoint('http://10.0.0.1:11434');
    pool.join(address);
    address.inflight = 1;
    pool.retire(address.name);
    expect(pool.drainingEndpoint(address.name)).toBe(address);
    pool.join(address);
    expect(pool.current()).toEqual([address]);
    expect(address.retired).toBe(false);
    address.inflight = 0;
    pool.released(address);
    expect(finished).toEqual([]);
    expect(joined).toEqual([address.name, address.name]);
  });

  it('ignores a second join of an active endpoint', () => {
    const one = endpoint('http://10.0.0.1:11434');
    pool.join(one);
    pool.join(one);
    expect(pool.current()).toHaveLength(1);
    expect(joined).toHaveLength(1);
  });
});
