import type { Server } from 'node:http';

import type { ConnectionsConfig } from '@gateway/config';

import { respondToClientError } from './client-error-response';

/** Node checks the header and body deadlines on a timer (every 30 s by default). */
const MAX_CHECK_INTERVAL_MS = 1_000;
const MIN_CHECK_INTERVAL_MS = 25;

/**
 * Bounds what a client can hold: time to send headers and body, idle keep-alive time and open
 * sockets. Must run before the server listens (the deadline timer starts then). The body deadline
 * ends once the request has arrived, so a long response or stream is never cut by it.
 */
export function applyConnectionLimits(
  server: Server,
  limits: ConnectionsConfig,
  onConnectionDropped: () => void = () => undefined,
): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.bodyTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Check ten times per shortest deadline (at most once a second), so deadlines hold within 10% or 1 s.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    MAX_CHECK_INTERVAL_MS,
    Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(limits.headersTimeoutMs / 10)),
  );
  server.on('clientError', respondToClientError);
  server.on('drop', onConnectionDropped);
}
