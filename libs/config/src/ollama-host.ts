const OLLAMA_DEFAULT_PORT = '11434';
const SCHEME_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
const EXPLICIT_PORT = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):\d+/i;

/**
 * Turns `host`, `host:port`, `http://host` or `http://host:port` into a full base URL.
 * A host without a port means Ollama's 11434, not the scheme's 80/443 as the npm client would assume.
 */
export function normaliseOllamaHost(raw: string): string {
  const trimmed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported scheme ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('must not carry credentials, a query or a fragment');
  }
  // URL drops a port equal to the scheme's default, so `http://ollama:80` must be told from `http://ollama`.
  const port =
    url.port || (EXPLICIT_PORT.test(withScheme) ? SCHEME_PORTS[url.protocol] : OLLAMA_DEFAULT_PORT);
  return `${url.protocol}//${url.hostname}:${port}${url.pathname.replace(/\/+$/, '')}`;
}
