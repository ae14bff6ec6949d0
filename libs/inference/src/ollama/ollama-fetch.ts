import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A fetch for the `ollama` client that adds a per-request AbortSignal (the client has none) and uses
 * an agent without undici's 300 s header/body timeouts: the gateway enforces its own first-token and
 * idle timeouts, and a cold model load can take longer than five minutes.
 */
export function createScopedFetch(agent: Agent, signal: AbortSignal): typeof fetch {
  const scoped = async (input: string | URL | Request, init?: RequestInit) => {
    const signals = [signal, init?.signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
    const response = await undiciFetch(input, {
      ...init,
      signal: AbortSignal.any(signals),
      dispatcher: agent,
    });
    return withJsonErrorBody(response);
  };
  return scoped;
}

/**
 * Ollama answers some failures with plain text (a bare 403 for a foreign Host header, proxies' HTML
 * pages). The client would print "Getting text from response" to stdout for those, in the middle of
 * our JSON logs; handing it the same error as `{"error": "..."}` keeps the output clean.
 */
async function withJsonErrorBody(response: Response): Promise<Response> {
  if (response.ok || response.headers.get('content-type')?.includes('application/json')) {
    return response;
  }
  const text = (await response.text()).slice(0, 1000);
  return new Response(JSON.stringify({ error: text || `${response.status} ${response.statusText}` }), {
    status: response.status,
    statusText: response.statusText,
    headers: { 'content-type': 'application/json' },
  });
}

export function createOllamaAgent(connectTimeoutMs: number): Agent {
  return new Agent({
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 30_000,
  });
}
