import Redis from 'ioredis';

/** How long start-up waits for Redis before the fail modes take over. */
const CONNECT_WAIT_MS = 2_000;

/**
 * A Redis client that fails a command at once while disconnected instead of queueing it (the caller's
 * fail mode decides), retries its connection in the background, and reports trouble only through the
 * commands that fail (their callers count and log them).
 */
export function createFailFastRedis(url: string, commandTimeoutMs: number): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // After a refused connection ioredis keeps a dead socket and waits this long on it at shutdown.
    disconnectTimeout: 200,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** Connects, waiting at most a couple of seconds; false when Redis did not answer by then. */
export function connectedWithinStartup(redis: Redis): Promise<boolean> {
  const connected = redis.connect().then(
    () => true,
    () => false,
  );
  const timedOut = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), CONNECT_WAIT_MS).unref(),
  );
  return Promise.race([connected, timedOut]);
}
