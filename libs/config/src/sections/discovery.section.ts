import { parseDiscoverySource, parseDnsServer, type DiscoverySource } from '../discovery-source';
import { DiscoveryEnv } from '../env/discovery.env';
import type { DiscoveryConfig } from '../gateway-config';
import { parseSection } from '../parse-section';
import type { RawEnv } from '../parse-section';

export function buildDiscoveryConfig(env: RawEnv, problems: string[]): DiscoveryConfig {
  const discovery = parseSection(DiscoveryEnv, env, problems);
  let dnsServer: string | undefined;
  if (discovery.OLLAMA_DISCOVERY_DNS_SERVER !== undefined) {
    try {
      dnsServer = parseDnsServer(discovery.OLLAMA_DISCOVERY_DNS_SERVER);
    } catch (error) {
      problems.push(`OLLAMA_DISCOVERY_DNS_SERVER: ${(error as Error).message}`);
    }
  }
  return {
    sources: parseSources(discovery.OLLAMA_DISCOVERY ?? [], problems),
    intervalMs: discovery.OLLAMA_DISCOVERY_INTERVAL_MS,
    timeoutMs: discovery.OLLAMA_DISCOVERY_TIMEOUT_MS,
    maxEndpoints: discovery.OLLAMA_DISCOVERY_MAX_ENDPOINTS,
    dnsServer,
  };
}

function parseSources(raw: string[], problems: string[]): DiscoverySource[] {
  const sources: DiscoverySource[] = [];
  for (const [index, entry] of raw.entries()) {
    try {
      const source = parseDiscoverySource(entry);
      if (sources.some((known) => known.name === source.name)) {
        problems.push(`OLLAMA_DISCOVERY: ${source.name} is listed twice`);
      } else {
        sources.push(source);
      }
    } catch (error) {
      problems.push(`OLLAMA_DISCOVERY: entry ${index + 1}: ${(error as Error).message}`);
    }
  }
  return sources;
}
