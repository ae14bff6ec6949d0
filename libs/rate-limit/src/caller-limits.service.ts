import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';
import type { HeldLease } from '@gateway/leases';
import { requestLogField, type Caller, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { KeyConcurrency } from './key-concurrency';
import { setRateLimitHeaders } from './rate-limit-headers';
import {
  ConcurrencyLimitError,
  RateLimitExceededError,
  RateLimitUnavailableError,
  RequestTooLargeError,
} from './rate-limit.errors';
import { RATE_LIMITER, type RateLimitDecision, type RateLimiter } from './rate-limiter';
import { waitMs } from './sliding-window';

const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/** The most one request may cost: its input estimate plus the most it may generate. */
export interface TokenCeiling {
  inputTokens: number;
  maxOutputTokens: number;
}

/**
 * A caller's limits, as one reserve/settle pair: `reserve` runs at admission with the typed request's
 * ceiling (a concurrency slot, then requests and tokens per minute), `settle` once at the end of the
 * request with what was actually consumed; the slot goes back through the context's releases.
 */
@Injectable()
export class CallerLimits {
  private readonly logger = new Logger('RateLimit');
  private lastStoreErrorLog = 0;

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    private readonly concurrency: KeyConcurrency,
  ) {}

  async reserve(ctx: RequestContext, ceiling: TokenCeiling, res: Response): Promise<void> {
    const caller = ctx.caller;
    if (!caller) {
      return;
    }
    const slot = caller.concurrency > 0 ? await this.takeSlot(ctx, caller) : undefined;
    if (slot) {
      ctx.releases.push(() => slot.release());
    }
    await this.reservePerMinute(ctx, caller, ceiling, res);
  }

  private async reservePerMinute(
    ctx: RequestContext,
    caller: Caller,
    ceiling: TokenCeiling,
    res: Response,
  ): Promise<void> {
    if (caller.requestsPerMinute === 0 && caller.tokensPerMinute === 0) {
      return;
    }
    const tokens = caller.tokensPerMinute > 0 ? ceiling.inputTokens + ceiling.maxOutputTokens : 0;
    if (tokens > caller.tokensPerMinute && caller.tokensPerMinute > 0) {
      this.metrics.rateLimited.inc({ reason: 'tokens' });
      throw new RequestTooLargeError(tokens, caller.tokensPerMinute);
    }
    const decision = await this.acquire(caller, tokens);
    if (decision === undefined) {
      return;
    }
    setRateLimitHeaders(res, caller, decision.state);
    if (!decision.allowed) {
      this.refuse(ctx, caller, decision, tokens);
    }
    if (tokens > 0) {
      ctx.reservation = {
        callerId: caller.id,
        window: decision.window,
        tokens,
        inputEstimate: ceiling.inputTokens,
      };
    }
  }

  /**
   * Replaces the reservation with what the request consumed: the usage the backend reported; for a
   * stream cut before that report, its input plus the deltas relayed; nothing if no token was made.
   */
  settle(ctx: RequestContext): void {
    const reservation = ctx.reservation;
    if (reservation === undefined) {
      return;
    }
    ctx.reservation = undefined;
    // A backend that stopped early may report no prompt count: the estimate stands in for it.
    const consumed = ctx.usage
      ? (ctx.usage.promptTokens || reservation.inputEstimate) + ctx.usage.completionTokens
      : ctx.streamedTokens > 0
        ? reservation.inputEstimate + ctx.streamedTokens
        : 0;
    if (consumed === reservation.tokens) {
      return;
    }
    this.limiter
      .adjustTokens(reservation.callerId, reservation.window, consumed - reservation.tokens)
      .catch((error: unknown) => this.storeFailed(error));
  }

  /** A concurrency slot, or undefined when the store is down and the fail mode lets the call through. */
  private async takeSlot(ctx: RequestContext, caller: Caller): Promise<HeldLease | undefined> {
    try {
      return await this.concurrency.take(caller);
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) {
        this.metrics.rateLimited.inc({ reason: 'concurrency' });
        this.logger.log(requestLogField(ctx.requestId), `key ${caller.id} reached its concurrency limit`);
        throw error;
      }
      this.storeFailed(error);
      if (this.config.rateLimit.failMode === 'closed') {
        throw new RateLimitUnavailableError();
      }
      return undefined;
    }
  }

  /** The decision, or undefined when the store is down and the fail mode lets the call through. */
  private async acquire(caller: Caller, tokens: number): Promise<RateLimitDecision | undefined> {
    try {
      return await this.limiter.acquire(caller.id, caller, tokens);
    } catch (error) {
      this.storeFailed(error);
      if (this.config.rateLimit.failMode === 'closed') {
        throw new RateLimitUnavailableError();
      }
      return undefined;
    }
  }

  private refuse(ctx: RequestContext, caller: Caller, decision: RateLimitDecision, tokens: number): never {
    const reason = decision.reason ?? 'requests';
    const { current, previous } = decision.state;
    const [limit, cost, prev, cur] =
      reason === 'requests'
        ? [caller.requestsPerMinute, 1, previous.requests, current.requests]
        : [caller.tokensPerMinute, tokens, previous.tokens, current.tokens];
    const wait = waitMs(limit, cost, prev, cur, decision.state);
    this.metrics.rateLimited.inc({ reason });
    this.logger.log(
      requestLogField(ctx.requestId),
      `key ${caller.id} reached its ${reason} per minute limit`,
    );
    throw new RateLimitExceededError(reason, limit, Math.max(1, Math.ceil(wait / 1000)));
  }

  private storeFailed(error: unknown): void {
    this.metrics.rateLimitStoreErrors.inc();
    const now = Date.now();
    if (now - this.lastStoreErrorLog >= STORE_ERROR_LOG_INTERVAL_MS) {
      this.lastStoreErrorLog = now;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`${reason}; failing ${this.config.rateLimit.failMode} (RATE_LIMIT_FAIL_MODE)`);
    }
  }
}
