import { Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { GenerationEvent } from '@gateway/inference';
import { GatewayMetrics } from '@gateway/metrics';
import { requestLogField, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import type { ApiError } from '../http/api-error';
import { toApiError } from '../http/error-mapping';
import { SERVER_TIMING_HEADER, streamCommitTiming } from '../http/server-timing';
import { STILL_WAITING, withinMs } from '../http/within-ms';
import { NdjsonWriter } from './ndjson-writer';

/** How one API family spells a generation stream as NDJSON lines. */
export interface NdjsonDialect {
  linesFor(event: GenerationEvent): object[];
  /** The last line of a stream that failed after its 200 was sent. */
  errorLine(error: ApiError): object;
}

/**
 * Relays a generation stream as NDJSON. Like the SSE relay, the 200 waits for the first event (so early
 * failures keep their HTTP status) for at most one heartbeat interval; NDJSON has no comment line, so a
 * slower start only sends the headers. A failure after the 200 ends the stream with one error line and
 * no `done: true` object, as Ollama does.
 */
@Injectable()
export class NdjsonStreamer {
  private readonly logger = new Logger(NdjsonStreamer.name);

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  async relay(
    ctx: RequestContext,
    res: Response,
    events: AsyncGenerator<GenerationEvent>,
    dialect: NdjsonDialect,
  ): Promise<void> {
    const first = events.next();
    // A rejection here (before anything was written) propagates: the error filter answers it.
    const early = await withinMs(first, this.config.timeouts.heartbeatIntervalMs);
    res.setHeader(SERVER_TIMING_HEADER, streamCommitTiming(ctx, early !== STILL_WAITING));
    const writer = new NdjsonWriter(res, ctx.route, this.metrics);
    writer.open();
    try {
      let next = early === STILL_WAITING ? await first : early;
      while (!next.done) {
        for (const line of dialect.linesFor(next.value)) {
          await writer.send(line);
        }
        next = writer.closed ? await events.return(undefined) : await events.next();
      }
    } catch (error) {
      const apiError = toApiError(error);
      ctx.outcome = apiError.spec.outcome;
      if (apiError.code === 'internal_error') {
        this.logger.error({ err: error, ...requestLogField(ctx.requestId) }, 'stream failed');
      }
      await writer.send(dialect.errorLine(apiError));
    } finally {
      writer.end();
    }
  }
}
