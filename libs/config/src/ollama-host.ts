const OLLAMA_DEFAULT_PORT = '11434';

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
  if (url.port === '') {
    url.port = OLLAMA_DEFAULT_PORT;
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
