import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { LeasesModule } from '@gateway/leases';

import { CallerLimits } from './caller-limits.service';
import { KeyConcurrency } from './key-concurrency';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { RATE_LIMITER, type RateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

/** Per-key limits: in memory for one replica, in Redis (REDIS_URL) for limits shared by all replicas. */
@Module({
  imports: [LeasesModule],
  providers: [
    KeyConcurrency,
    {
      provide: RATE_LIMITER,
      inject: [GatewayConfig],
      useFactory: ({ rateLimit }: GatewayConfig): RateLimiter =>
        rateLimit.redisUrl === undefined
          ? new MemoryRateLimiter()
          : new RedisRateLimiter(rateLimit.redisUrl, rateLimit.redisTimeoutMs),
    },
    CallerLimits,
  ],
  exports: [CallerLimits, RATE_LIMITER],
})
export class RateLimitModule {}
