import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A fetch for the `ollama` client that adds a per-request AbortSignal (the client has none) and uses
 * an agent without undici's 300 s header/body timeouts: the gateway enforces its own first-token and
 * idle timeouts, and a cold model load can take longer than five minutes.
 */
export function createScopedFetch(agent: Agent, signal: AbortSignal): typeof fetch {
  const scoped = (input: string | URL | Request, init?: RequestInit) => {
    const signals = [signal, init?.signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
    return undiciFetch(input, {
      ...init,
      signal: AbortSignal.any(signals),
      dispatcher: agent,
    });
  };
  return scoped;
}

export function createOllamaAgent(connectTimeoutMs: number): Agent {
  return new Agent({
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 30_000,
  });
}
