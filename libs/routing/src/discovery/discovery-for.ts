import type { DiscoveryConfig } from '@gateway/config';
import type { GatewayMetrics } from '@gateway/metrics';

import { DnsDiscovery, type DnsDiscoveryOptions } from './dns-discovery';

type Wiring = Omit<DnsDiscoveryOptions, 'source' | 'settings' | 'observer'> & { metrics: GatewayMetrics };

/** One DnsDiscovery per configured name, reported to the metrics; undefined when discovery is off. */
export function discoveryFor(
  config: DiscoveryConfig,
  { metrics, ...wiring }: Wiring,
): { start(): Promise<void>; stop(): void } | undefined {
  if (config.sources.length === 0) {
    return undefined;
  }
  const { sources, ...settings } = config;
  const discoveries = sources.map((source) => {
    for (const state of ['ready', 'pending'] as const) {
      metrics.discoveredEndpoints.set({ source: source.name, state }, 0);
    }
    metrics.discoveryFailures.inc({ source: source.name }, 0);
    return new DnsDiscovery({
      ...wiring,
      source,
      settings,
      observer: {
        counted: (name, ready, pending) => {
          metrics.discoveredEndpoints.set({ source: name, state: 'ready' }, ready);
          metrics.discoveredEndpoints.set({ source: name, state: 'pending' }, pending);
        },
        failed: (name) => metrics.discoveryFailures.inc({ source: name }),
      },
    });
  });
  return {
    start: async () => {
      await Promise.all(discoveries.map((discovery) => discovery.start()));
    },
    stop: () => discoveries.forEach((discovery) => discovery.stop()),
  };
}
