import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connectedWithinStartup, createFailFastRedis } from '@gateway/leases';
import type Redis from 'ioredis';

import { ACQUIRE_SCRIPT, ADJUST_SCRIPT } from './redis-scripts';
import {
  RateLimitStoreError,
  WINDOW_MS,
  type LimitReason,
  type Limits,
  type RateLimitDecision,
  type RateLimiter,
} from './rate-limiter';

type AcquireReply = [string, number, number, number, number, number, number];

interface LimiterCommands {
  rateLimitAcquire(
    key: string,
    rpm: number,
    tpm: number,
    cost: number,
    windowMs: number,
  ): Promise<AcquireReply>;
  rateLimitAdjust(key: string, delta: number): Promise<number>;
}

const KEY_PREFIX = 'llm-gateway:rl';

/** Counters shared by every replica through one Redis; each check is one atomic script call. */
export class RedisRateLimiter implements RateLimiter, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RedisRateLimiter');
  private readonly redis: Redis & LimiterCommands;

  constructor(url: string, commandTimeoutMs: number) {
    this.redis = createFailFastRedis(url, commandTimeoutMs) as Redis & LimiterCommands;
    this.redis.defineCommand('rateLimitAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    this.redis.defineCommand('rateLimitAdjust', { numberOfKeys: 1, lua: ADJUST_SCRIPT });
  }

  async onModuleInit(): Promise<void> {
    if (!(await connectedWithinStartup(this.redis))) {
      this.logger.error(
        'Redis for rate limits is unreachable at start-up; RATE_LIMIT_FAIL_MODE applies until it is',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async acquire(id: string, limits: Limits, tokens: number): Promise<RateLimitDecision> {
    let reply: AcquireReply;
    try {
      reply = await this.redis.rateLimitAcquire(
        keyOf(id),
        limits.requestsPerMinute,
        limits.tokensPerMinute,
        tokens,
        WINDOW_MS,
      );
    } catch (error) {
      throw new RateLimitStoreError(error);
    }
    const [reason, curR, curT, prevR, prevT, elapsedMs, window] = reply;
    return {
      allowed: reason === '',
      reason: reason === '' ? undefined : (reason as LimitReason),
      window,
      state: {
        current: { requests: curR, tokens: curT },
        previous: { requests: prevR, tokens: prevT },
        elapsedMs,
        windowMs: WINDOW_MS,
      },
    };
  }

  async adjustTokens(id: string, window: number, delta: number): Promise<void> {
    try {
      await this.redis.rateLimitAdjust(`${keyOf(id)}:${window}`, Math.round(delta));
    } catch (error) {
      throw new RateLimitStoreError(error);
    }
  }
}

/** One hash tag per caller keeps its windows in one Redis Cluster slot. */
function keyOf(id: string): string {
  return `${KEY_PREFIX}:{${encodeURIComponent(id)}}`;
}
