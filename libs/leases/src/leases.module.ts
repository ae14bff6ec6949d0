import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { LEASE_SEMAPHORE, type LeaseSemaphore } from './lease-semaphore';
import { MemoryLeaseSemaphore } from './memory-lease-semaphore';
import { RedisLeaseSemaphore } from './redis-lease-semaphore';

/**
 * The process's one semaphore, for per-key concurrency and endpoint slots: in memory, or in Redis
 * (REDIS_URL) so that every replica shares the same slots. Nest creates it once, whoever imports it.
 */
@Module({
  providers: [
    {
      provide: LEASE_SEMAPHORE,
      inject: [GatewayConfig],
      useFactory: ({ rateLimit, slots }: GatewayConfig): LeaseSemaphore =>
        rateLimit.redisUrl === undefined
          ? new MemoryLeaseSemaphore()
          : new RedisLeaseSemaphore({
              url: rateLimit.redisUrl,
              leaseMs: slots.leaseMs,
              commandTimeoutMs: rateLimit.redisTimeoutMs,
            }),
    },
  ],
  exports: [LEASE_SEMAPHORE],
})
export class LeasesModule {}
