import { TimeoutsEnv } from '../env/timeouts.env';
import type { TimeoutsConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildTimeoutsConfig(env: RawEnv, problems: string[]): TimeoutsConfig {
  const timeouts = parseSection(TimeoutsEnv, env, problems);
  return {
    firstTokenMs: timeouts.FIRST_TOKEN_TIMEOUT_MS,
    idleMs: timeouts.IDLE_TIMEOUT_MS,
    totalMs: timeouts.REQUEST_TIMEOUT_MS,
    heartbeatIntervalMs: timeouts.HEARTBEAT_INTERVAL_MS,
    readinessCacheMs: timeouts.READINESS_CACHE_MS,
    healthCheckMs: timeouts.HEALTH_CHECK_TIMEOUT_MS,
  };
}
