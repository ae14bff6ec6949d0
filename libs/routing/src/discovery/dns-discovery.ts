import { Resolver } from 'node:dns/promises';

import { Logger } from '@nestjs/common';
import type { DiscoveryConfig, DiscoverySource } from '@gateway/config';

import type { EndpointPool } from '../endpoint-pool';
import type { UpstreamEndpoint } from '../upstream-endpoint';
import { endpointUrl, resolveAddresses } from './resolve-addresses';

/** Longest wait for a new address's readiness check (Ollama lists its models from disk: fast). */
const READINESS_TIMEOUT_MS = 5_000;

export interface DiscoveryObserver {
  /** After each successful lookup: addresses serving, and addresses waiting for their readiness check. */
  counted(source: string, ready: number, pending: number): void;
  /** A lookup failed or timed out; the last good set stays. */
  failed(source: string): void;
}

export interface DnsDiscoveryOptions {
  source: DiscoverySource;
  settings: Omit<DiscoveryConfig, 'sources'>;
  pool: EndpointPool;
  /** A new endpoint for an address (not in the pool yet). */
  createEndpoint: (url: string, source: string) => UpstreamEndpoint;
  /** Backend models an endpoint of this source must have before it takes requests. */
  requiredModels: (source: string) => readonly string[];
  /** Frees an endpoint that never joined (its address vanished while it was not ready yet). */
  discard: (endpoint: UpstreamEndpoint) => void;
  observer: DiscoveryObserver;
}

/**
 * Keeps the pool's endpoints for one DNS name in step with the name's A/AAAA records, asked again
 * every interval. A new address joins once Ollama there answers and has every model it must serve; an
 * address gone from the answer is retired at once (its streams finish). A failed lookup keeps the last
 * good set.
 */
export class DnsDiscovery {
  private readonly logger = new Logger('Discovery');
  private readonly resolver: Resolver;
  /** Addresses in the answer whose readiness check has not passed yet. */
  private readonly pending = new Map<string, UpstreamEndpoint>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;
  private lastCount = -1;

  constructor(private readonly options: DnsDiscoveryOptions) {
    const { timeoutMs, dnsServer } = options.settings;
    this.resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (dnsServer) {
      this.resolver.setServers([dnsServer]);
    }
  }

  /** Runs the first lookup (so the gateway starts with what DNS has), then one per interval. */
  async start(): Promise<void> {
    await this.round();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.resolver.cancel();
    for (const endpoint of this.pending.values()) {
      this.drop(endpoint);
    }
    this.pending.clear();
  }

  /** One lookup and its consequences; never rejects. */
  async round(): Promise<void> {
    const { source, settings, pool, observer } = this.options;
    let urls: string[];
    try {
      const addresses = await resolveAddresses(this.resolver, source.hostname, settings.timeoutMs);
      urls = this.bounded(addresses).map((address) => endpointUrl(address, source.port));
    } catch (error) {
      observer.failed(source.name);
      if (!this.failing && !this.stopped) {
        this.logger.warn(
          `${source.name}: lookup failed, keeping the last good endpoints: ${describe(error)}`,
        );
      }
      this.failing = true;
      return;
    }
    if (this.failing) {
      this.logger.log(`${source.name}: lookups answer again`);
      this.failing = false;
    }
    if (this.stopped) {
      return;
    }
    const wanted = new Set(urls);
    for (const endpoint of pool.current().filter((e) => e.source === source.name)) {
      if (!wanted.has(endpoint.name)) {
        pool.retire(endpoint.name);
        this.logger.log(`${source.name}: ${endpoint.name} left; its ${endpoint.inflight} stream(s) finish`);
      }
    }
    for (const [url, endpoint] of this.pending) {
      if (!wanted.has(url)) {
        this.pending.delete(url);
        this.drop(endpoint);
      }
    }
    await Promise.all(urls.filter((url) => !pool.has(url)).map((url) => this.admit(url)));
    const ready = pool.current().filter((e) => e.source === source.name).length;
    observer.counted(source.name, ready, this.pending.size);
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.round().finally(() => this.schedule());
    }, this.options.settings.intervalMs);
    this.timer.unref();
  }

  private async admit(url: string): Promise<void> {
    const { pool, source } = this.options;
    const endpoint =
      this.pending.get(url) ?? pool.drainingEndpoint(url) ?? this.options.createEndpoint(url, source.name);
    this.pending.set(url, endpoint);
    const missing = await this.missingModels(endpoint);
    if (this.stopped || this.pending.get(url) !== endpoint) {
      return;
    }
    if (missing.length === 0) {
      this.pending.delete(url);
      pool.join(endpoint);
      this.logger.log(`${source.name}: ${url} joined`);
    } else {
      this.logger.debug(`${source.name}: ${url} not ready yet: ${missing.join('; ')}`);
    }
  }

  /** What keeps the endpoint from taking requests: models it lacks, or that it does not answer. */
  private async missingModels(endpoint: UpstreamEndpoint): Promise<string[]> {
    const models = this.options.requiredModels(this.options.source.name);
    const signal = AbortSignal.timeout(READINESS_TIMEOUT_MS);
    if (models.length === 0) {
      // No model is routed to this name: it must still answer before it counts as an endpoint.
      return endpoint.provider.listModels({ signal }).then(
        () => [],
        (error: unknown) => [describe(error)],
      );
    }
    const checks = await Promise.all(
      models.map(async (model) => {
        try {
          const status = await endpoint.provider.modelStatus(model, { signal });
          if (!status.reachable) {
            return ['not reachable'];
          }
          return status.present ? [] : [`${model} missing`];
        } catch (error) {
          return [describe(error)];
        }
      }),
    );
    return [...new Set(checks.flat())];
  }

  /** A pending endpoint that will not join; one still finishing streams is left to the pool. */
  private drop(endpoint: UpstreamEndpoint): void {
    if (this.options.pool.drainingEndpoint(endpoint.name) !== endpoint) {
      this.options.discard(endpoint);
    }
  }

  private bounded(addresses: string[]): string[] {
    const { maxEndpoints } = this.options.settings;
    if (addresses.length > maxEndpoints && addresses.length !== this.lastCount) {
      this.logger.warn(
        `${this.options.source.name}: ${addresses.length} addresses, using the first ${maxEndpoints} ` +
          '(OLLAMA_DISCOVERY_MAX_ENDPOINTS)',
      );
    }
    this.lastCount = addresses.length;
    return addresses.slice(0, maxEndpoints);
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
