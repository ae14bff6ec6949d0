import { isIP } from 'node:net';

const OLLAMA_DEFAULT_PORT = 11434;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** One DNS name whose addresses are Ollama endpoints, all on the same port. */
export interface DiscoverySource {
  /** Normalised `dns://name:port`: the metrics label, and how a model table names these endpoints. */
  name: string;
  hostname: string;
  port: number;
}

/** Whether a model table entry or setting names a discovery source rather than one endpoint URL. */
export function isDiscoveryName(raw: string): boolean {
  return /^dns:\/\//i.test(raw.trim());
}

/** Parses `dns://name` or `dns://name:port` (port 11434 when omitted). */
export function parseDiscoverySource(raw: string): DiscoverySource {
  const trimmed = raw.trim();
  if (!isDiscoveryName(trimmed)) {
    throw new Error('must start with dns://');
  }
  let url: URL;
  try {
    url = new URL(`http://${trimmed.slice('dns://'.length)}`);
  } catch {
    throw new Error('must be dns://name:port');
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new Error('must be dns://name:port, without credentials, path, query or fragment');
  }
  const hostname = url.hostname.toLowerCase();
  if (!HOSTNAME.test(hostname) || isIP(hostname) !== 0) {
    throw new Error('must name a DNS name, not an address (list addresses in OLLAMA_HOSTS)');
  }
  const port = url.port ? Number(url.port) : OLLAMA_DEFAULT_PORT;
  return { name: `dns://${hostname}:${port}`, hostname, port };
}

/** `ip` or `ip:port` (`[v6]:port`) as node:dns `setServers` takes it. */
export function parseDnsServer(raw: string): string {
  const trimmed = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(trimmed);
  const plain = /^([^:]+)(?::(\d{1,5}))?$/.exec(trimmed);
  const host = bracketed?.[1] ?? plain?.[1] ?? trimmed;
  const port = bracketed?.[2] ?? plain?.[2];
  if (isIP(host) === 0) {
    throw new Error('must be an IP address, optionally with :port');
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) {
    throw new Error('port must be 1-65535');
  }
  if (port === undefined) {
    return host;
  }
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
