import type { UpstreamEndpoint } from './upstream-endpoint';

export interface EndpointPoolHooks {
  /** A retired endpoint finished its last generation: close its connections, drop its metric series. */
  finished(endpoint: UpstreamEndpoint): void;
  /** An endpoint joined: queued requests may use it now. */
  joined(endpoint: UpstreamEndpoint): void;
}

/**
 * The endpoints requests may be sent to: the configured ones, plus those discovery found. An endpoint
 * that vanishes from discovery is retired: it takes no new request from that moment, while the
 * generations it already has run to their end; then it is finished and forgotten.
 */
export class EndpointPool {
  private active: UpstreamEndpoint[];
  private readonly draining = new Map<string, UpstreamEndpoint>();
  private hooks: EndpointPoolHooks = { finished: () => undefined, joined: () => undefined };

  constructor(configured: readonly UpstreamEndpoint[]) {
    this.active = [...configured];
  }

  setHooks(hooks: EndpointPoolHooks): void {
    this.hooks = hooks;
  }

  /** Endpoints that take new requests. */
  current(): readonly UpstreamEndpoint[] {
    return this.active;
  }

  /** Every endpoint that still has a backend to shut down: active and draining ones. */
  all(): UpstreamEndpoint[] {
    return [...this.active, ...this.draining.values()];
  }

  has(name: string): boolean {
    return this.active.some((endpoint) => endpoint.name === name);
  }

  /** A retired endpoint still finishing its generations, which an address coming back may reuse. */
  drainingEndpoint(name: string): UpstreamEndpoint | undefined {
    return this.draining.get(name);
  }

  join(endpoint: UpstreamEndpoint): void {
    if (this.has(endpoint.name)) {
      return;
    }
    this.draining.delete(endpoint.name);
    endpoint.retired = false;
    this.active = [...this.active, endpoint];
    this.hooks.joined(endpoint);
  }

  /** Stops new requests to the endpoint at once; it is finished when its last generation ends. */
  retire(name: string): void {
    const endpoint = this.active.find((candidate) => candidate.name === name);
    if (!endpoint) {
      return;
    }
    endpoint.retired = true;
    this.active = this.active.filter((candidate) => candidate !== endpoint);
    this.draining.set(name, endpoint);
    this.released(endpoint);
  }

  /** Called whenever an endpoint's in-flight count drops. */
  released(endpoint: UpstreamEndpoint): void {
    if (endpoint.retired && endpoint.inflight === 0 && this.draining.get(endpoint.name) === endpoint) {
      this.draining.delete(endpoint.name);
      this.hooks.finished(endpoint);
    }
  }
}
