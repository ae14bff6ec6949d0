import { ServerEnv } from '../env/server.env';
import type { ServerConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildServerConfig(env: RawEnv, problems: string[]): ServerConfig {
  const server = parseSection(ServerEnv, env, problems);
  return {
    nodeEnv: server.NODE_ENV,
    host: server.HOST,
    port: server.PORT,
    logLevel: server.LOG_LEVEL,
    bodyLimitBytes: server.BODY_LIMIT_BYTES,
    drainTimeoutMs: server.DRAIN_TIMEOUT_MS,
    openApiEnabled: server.OPENAPI_ENABLED ?? server.NODE_ENV !== 'production',
  };
}
