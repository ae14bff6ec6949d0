import { ConnectionsEnv } from '../env/connections.env';
import type { ConnectionsConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildConnectionsConfig(env: RawEnv, problems: string[]): ConnectionsConfig {
  const connections = parseSection(ConnectionsEnv, env, problems);
  // Node counts both deadlines from the request's first byte, so a longer header deadline would be moot.
  if (connections.REQUEST_HEADERS_TIMEOUT_MS > connections.REQUEST_BODY_TIMEOUT_MS) {
    problems.push(
      `REQUEST_HEADERS_TIMEOUT_MS="${connections.REQUEST_HEADERS_TIMEOUT_MS}": must not exceed ` +
        `REQUEST_BODY_TIMEOUT_MS (${connections.REQUEST_BODY_TIMEOUT_MS}), which bounds the headers too`,
    );
  }
  return {
    headersTimeoutMs: connections.REQUEST_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: connections.REQUEST_BODY_TIMEOUT_MS,
    keepAliveTimeoutMs: connections.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: connections.MAX_CONNECTIONS,
  };
}
