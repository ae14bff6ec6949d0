import { Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { GenerationEvent } from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import { requestLogField, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { toApiError } from './error-mapping';
import { SERVER_TIMING_HEADER, streamCommitTiming } from './server-timing';
import type { SseDialect } from './sse-dialect';
import { SseWriter } from './sse-writer';
import { STILL_WAITING, withinMs } from './within-ms';

/**
 * Relays a generation stream to the client as Server-Sent Events.
 *
 * The 200 is committed only when the first event arrives, or when the first event has not arrived
 * within one heartbeat interval (then heartbeats keep the connection open). Failures before that
 * surface as normal HTTP errors; failures after it end the stream with the dialect's error event.
 */
@Injectable()
export class SseStreamer {
  private readonly logger = new Logger(SseStreamer.name);

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  async relay(
    ctx: RequestContext,
    res: Response,
    events: AsyncGenerator<GenerationEvent>,
    dialect: SseDialect,
  ): Promise<void> {
    const heartbeatMs = this.config.timeouts.heartbeatIntervalMs;
    const first = events.next();
    // A rejection here (before anything was written) propagates: the error filter answers it.
    const early = await withinMs(first, heartbeatMs);
    res.setHeader(SERVER_TIMING_HEADER, streamCommitTiming(ctx, early !== STILL_WAITING));
    const writer = new SseWriter(res, ctx.route, this.metrics);
    writer.open();
    try {
      let next = early;
      if (next === STILL_WAITING) {
        writer.startHeartbeat(heartbeatMs);
        next = await first;
      }
      while (!next.done) {
        for (const frame of dialect.framesFor(next.value)) {
          await writer.send(frame);
        }
        next = writer.closed ? await events.return(undefined) : await events.next();
      }
      for (const frame of dialect.closingFrames()) {
        await writer.send(frame);
      }
    } catch (error) {
      await this.reportInBand(ctx, writer, dialect, error);
    } finally {
      writer.end();
    }
  }

  private async reportInBand(
    ctx: RequestContext,
    writer: SseWriter,
    dialect: SseDialect,
    error: unknown,
  ): Promise<void> {
    const apiError = toApiError(error);
    ctx.outcome = apiError.spec.outcome;
    if (apiError.code === 'internal_error') {
      this.logger.error({ err: error, ...requestLogField(ctx.requestId) }, 'stream failed');
    }
    if (!writer.closed) {
      for (const frame of [dialect.errorFrame(apiError, ctx.requestId)].flat()) {
        await writer.send(frame);
      }
    }
  }
}
