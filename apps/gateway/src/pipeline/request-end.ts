import { Injectable } from '@nestjs/common';
import { CallerMetrics, GatewayMetrics } from '@gateway/metrics';
import { CallerLimits } from '@gateway/rate-limit';
import { requestLogField, type RequestContext } from '@gateway/request-context';
import type { RequestOutcome } from '@gateway/errors';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';

import { InFlightTracker } from '../lifecycle/in-flight.tracker';

/** Probes and scrapes are counted in metrics but not written to the access log. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * The one end-of-request step, run exactly once when the response closes, in a fixed order:
 * outcome -> metrics -> server span -> token settlement -> releases -> access log.
 */
@Injectable()
export class RequestEnd {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly callerMetrics: CallerMetrics,
    private readonly limits: CallerLimits,
    private readonly tracker: InFlightTracker,
  ) {}

  finish(req: Request, res: Response, ctx: RequestContext): void {
    const outcome = outcomeOf(ctx, res);
    const totalMs = performance.now() - ctx.startedAt;
    this.record(ctx, outcome, totalMs);
    ctx.trace?.end(res.statusCode, outcome, { route: ctx.route, callerId: ctx.caller?.id });
    this.limits.settle(ctx);
    for (const release of ctx.releases) {
      release();
    }
    this.log(req, res, ctx, outcome, totalMs);
  }

  private record(ctx: RequestContext, outcome: RequestOutcome, totalMs: number): void {
    if (ctx.tracked) {
      this.tracker.end();
    }
    const labels = { route: ctx.route, outcome };
    this.metrics.requests.inc(labels);
    this.metrics.requestDuration.observe(labels, totalMs / 1000);
    if (ctx.caller !== undefined) {
      this.callerMetrics.record({
        callerId: ctx.caller.id,
        outcome,
        promptTokens: ctx.usage?.promptTokens,
        completionTokens: completionTokensOf(ctx),
      });
    }
    if (ctx.upstreamMs > 0) {
      const untilMs = ctx.answeredAt === undefined ? totalMs : ctx.answeredAt - ctx.startedAt;
      this.metrics.overhead.observe({ route: ctx.route }, Math.max(0, untilMs - ctx.upstreamMs) / 1000);
    }
  }

  private log(
    req: Request,
    res: Response,
    ctx: RequestContext,
    outcome: RequestOutcome,
    totalMs: number,
  ): void {
    // The root logger: set up when the app starts, before the first request.
    const logger = PinoLogger.root;
    if (!logger.isLevelEnabled('info')) {
      return;
    }
    const path = pathOf(req);
    if (QUIET_PATHS.has(path)) {
      return;
    }
    logger.info(
      {
        ...requestLogField(ctx.requestId),
        method: req.method,
        path,
        route: ctx.route,
        status: res.statusCode,
        outcome,
        caller: ctx.caller?.id,
        model: ctx.model,
        promptTokens: ctx.usage?.promptTokens,
        completionTokens: completionTokensOf(ctx),
        queueMs: round(ctx.queueMs),
        upstreamMs: round(ctx.upstreamMs),
        ttftMs: ctx.ttftMs === undefined ? undefined : round(ctx.ttftMs),
        totalMs: round(totalMs),
        traceId: ctx.trace?.traceId,
      },
      `${req.method} ${path} ${res.statusCode}`,
    );
  }
}

/** The error filter and the stream relay set it from the catalogue; otherwise finished means success. */
function outcomeOf(ctx: RequestContext, res: Response): RequestOutcome {
  if (ctx.outcome !== undefined) {
    return ctx.outcome;
  }
  return res.writableFinished ? 'success' : 'cancelled';
}

/** What the backend reported, else the deltas a cut stream relayed. */
function completionTokensOf(ctx: RequestContext): number | undefined {
  return ctx.usage?.completionTokens ?? (ctx.streamedTokens || undefined);
}

function pathOf(req: Request): string {
  const url = req.originalUrl;
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
