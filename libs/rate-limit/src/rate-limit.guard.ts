import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { principalOf, type Principal } from '@gateway/auth';
import { GatewayConfig } from '@gateway/config';
import { currentObservation, GatewayMetrics, type RequestObservation } from '@gateway/metrics';
import type { HeldLease } from '@gateway/leases';
import type { Request, Response } from 'express';

import { KeyConcurrency, releaseWhenDone } from './key-concurrency';
import { setRateLimitHeaders } from './rate-limit-headers';
import {
  ConcurrencyLimitError,
  RateLimitExceededError,
  RateLimitUnavailableError,
  RequestTooLargeError,
} from './rate-limit.errors';
import { RATE_LIMITER, type Limits, type RateLimitDecision, type RateLimiter } from './rate-limiter';
import { waitMs } from './sliding-window';
import { estimateTokens } from './token-estimate';

const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Applies the authenticated caller's limits: generations at once (a slot held until the response
 * ends), then requests and tokens per minute. Tokens are reserved from an estimate before the call
 * and corrected with the backend's real count when the response ends.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private lastStoreErrorLog = 0;

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    private readonly concurrency: KeyConcurrency,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const principal = principalOf(req);
    if (!principal) {
      return true;
    }
    const slot = this.concurrency.applies(principal, req) ? await this.takeSlot(principal) : undefined;
    try {
      await this.applyRateLimits(principal, req, res);
    } catch (error) {
      slot?.release();
      throw error;
    }
    if (slot) {
      releaseWhenDone(res, slot);
    }
    return true;
  }

  private async applyRateLimits(principal: Principal, req: Request, res: Response): Promise<void> {
    if (principal.requestsPerMinute === 0 && principal.tokensPerMinute === 0) {
      return;
    }
    const limits: Limits = principal;
    const estimate = estimateTokens(req.body);
    if (limits.tokensPerMinute > 0 && estimate > limits.tokensPerMinute) {
      this.metrics.rateLimited.inc({ reason: 'tokens' });
      throw new RequestTooLargeError(estimate, limits.tokensPerMinute);
    }
    const decision = await this.acquire(principal, estimate);
    if (decision === undefined) {
      return;
    }
    setRateLimitHeaders(res, limits, decision.state);
    if (!decision.allowed) {
      this.refuse(principal, decision, estimate);
    }
    const observation = currentObservation();
    if (estimate > 0 && observation) {
      res.once('close', () => this.reconcile(principal.id, decision.window, estimate, observation, res));
    }
  }

  /** The caller's concurrency slot, or undefined when the store is down and the fail mode lets it pass. */
  private async takeSlot(principal: Principal): Promise<HeldLease | undefined> {
    try {
      return await this.concurrency.take(principal);
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) {
        this.metrics.rateLimited.inc({ reason: 'concurrency' });
        this.logger.log(`key ${principal.id} reached its concurrency limit`);
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
  private async acquire(principal: Principal, estimate: number): Promise<RateLimitDecision | undefined> {
    try {
      return await this.limiter.acquire(principal.id, principal, estimate);
    } catch (error) {
      this.storeFailed(error);
      if (this.config.rateLimit.failMode === 'closed') {
        throw new RateLimitUnavailableError();
      }
      return undefined;
    }
  }

  private refuse(principal: Principal, decision: RateLimitDecision, estimate: number): never {
    const reason = decision.reason ?? 'requests';
    const { current, previous } = decision.state;
    const [limit, cost, prev, cur] =
      reason === 'requests'
        ? [principal.requestsPerMinute, 1, previous.requests, current.requests]
        : [principal.tokensPerMinute, estimate, previous.tokens, current.tokens];
    const wait = waitMs(limit, cost, prev, cur, decision.state);
    this.metrics.rateLimited.inc({ reason });
    this.logger.log(`key ${principal.id} reached its ${reason} per minute limit`);
    throw new RateLimitExceededError(reason, limit, Math.max(1, Math.ceil(wait / 1000)));
  }

  /**
   * Real usage replaces the estimate; a call that failed before generating gives its reservation back
   * (also a stream whose 200 went out with heartbeats before it failed); a stream cut off by the client
   * or failing mid-way keeps it (its real count is unknown).
   */
  private reconcile(
    id: string,
    window: number,
    estimate: number,
    observation: RequestObservation,
    res: Response,
  ): void {
    const usage = observation.usage;
    let actual: number | undefined;
    if (usage) {
      actual = usage.promptTokens + usage.completionTokens;
    } else if (res.statusCode >= 400 || failedBeforeGenerating(observation)) {
      actual = 0;
    }
    if (actual === undefined || actual === estimate) {
      return;
    }
    this.limiter
      .adjustTokens(id, window, actual - estimate)
      .catch((error: unknown) => this.storeFailed(error));
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

/** A response that failed in-band (after its 200) before the backend produced any token. */
function failedBeforeGenerating(observation: RequestObservation): boolean {
  const { outcome } = observation;
  return outcome !== undefined && outcome !== 'success' && outcome !== 'cancelled' && !observation.generated;
}
