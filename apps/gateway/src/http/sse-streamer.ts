import { Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { GenerationEvent } from '@gateway/inference';
import { currentObservation, GatewayMetrics, type RequestOutcome } from '@gateway/metrics';
import type { Request, Response } from 'express';

import type { ApiError } from './api-error';
import { toApiError } from './error-mapping';
import { requestIdOf } from './request-id';
import type { SseDialect } from './sse-dialect';
import { SseWriter } from './sse-writer';

const STILL_WAITING = Symbol('still waiting');

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
    req: Request,
    res: Response,
    route: string,
    events: AsyncGenerator<GenerationEvent>,
    dialect: SseDialect,
  ): Promise<void> {
    const heartbeatMs = this.config.timeouts.heartbeatIntervalMs;
    const first = events.next();
    // A rejection here (before anything was written) propagates: the error filter answers it.
    const early = await withinMs(first, heartbeatMs);
    const writer = new SseWriter(res, route, this.metrics);
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
      await this.reportInBand(writer, dialect, error, requestIdOf(req));
    } finally {
      writer.end();
    }
  }

  private async reportInBand(
    writer: SseWriter,
    dialect: SseDialect,
    error: unknown,
    requestId: string | undefined,
  ): Promise<void> {
    const apiError = toApiError(error);
    const observation = currentObservation();
    if (observation) {
      observation.outcome = streamOutcome(apiError);
    }
    if (apiError.code === 'internal_error') {
      this.logger.error({ err: error, requestId }, 'stream failed');
    }
    for (const frame of [dialect.errorFrame(apiError, requestId)].flat()) {
      await writer.send(frame);
    }
  }
}

/** The request outcome of a stream that failed after its 200 was sent. */
export function streamOutcome(error: ApiError): RequestOutcome {
  switch (error.code) {
    case 'cancelled':
      return 'cancelled';
    case 'upstream_timeout':
      return 'timeout';
    case 'internal_error':
      return 'internal_error';
    default:
      return error.status < 500 ? 'client_error' : 'upstream_error';
  }
}

/** The promise's value if it settles within `ms`, else STILL_WAITING (a rejection within `ms` rethrows). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof STILL_WAITING> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<typeof STILL_WAITING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_WAITING), ms);
  });
  try {
    return await Promise.race([promise, waiting]);
  } finally {
    clearTimeout(timer);
  }
}
