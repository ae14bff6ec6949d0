import { Logger } from '@nestjs/common';
import type { GatewayConfig } from '@gateway/config';
import { OverloadedError } from '@gateway/inference';
import type { LeaseSemaphore } from '@gateway/leases';

import type { SharedSlots } from './shared-slots';

const LOG_INTERVAL_MS = 10_000;

/**
 * Endpoint slots held across replicas through the Redis semaphore, when REDIS_URL is set and the
 * endpoints are Ollama servers (the embedded engine lives in each process: its slots are its own).
 */
export function endpointSlotsAcrossReplicas(
  config: GatewayConfig,
  semaphore: LeaseSemaphore,
  onStoreError: () => void,
): SharedSlots | undefined {
  if (config.rateLimit.redisUrl === undefined || config.inference.backend !== 'ollama') {
    return undefined;
  }
  const { pollIntervalMs, failMode } = config.slots;
  const logger = new Logger('EndpointSlots');
  let lastLog = 0;
  return {
    pollIntervalMs,
    claim: async (endpoint) => {
      try {
        const held = await semaphore.tryAcquire(`endpoint:${endpoint.name}`, endpoint.maxInflight);
        return held && (() => held.release());
      } catch (error) {
        onStoreError();
        if (Date.now() - lastLog >= LOG_INTERVAL_MS) {
          lastLog = Date.now();
          const reason = error instanceof Error ? error.message : String(error);
          logger.error(`${reason}; failing ${failMode} (SLOT_FAIL_MODE)`);
        }
        if (failMode === 'open') {
          // This replica's own limit (MAX_INFLIGHT) was checked before the claim: it alone applies.
          return () => undefined;
        }
        throw new OverloadedError('endpoint slots cannot be checked right now, retry later', 1);
      }
    },
  };
}
