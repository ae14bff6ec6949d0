import { SlotsEnv } from '../env/slots.env';
import type { SlotsConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildSlotsConfig(env: RawEnv, problems: string[]): SlotsConfig {
  const slots = parseSection(SlotsEnv, env, problems);
  return {
    leaseMs: slots.SLOT_LEASE_MS,
    pollIntervalMs: slots.SLOT_POLL_INTERVAL_MS,
    failMode: slots.SLOT_FAIL_MODE,
  };
}
