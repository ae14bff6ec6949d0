import { Injectable } from '@nestjs/common';
import type { GenerationRequest, GenerationResult } from '@gateway/inference';
import type { RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { completedTiming, SERVER_TIMING_HEADER } from '../http/server-timing';
import type { SseDialect } from '../http/sse-dialect';
import { SseStreamer } from '../http/sse-streamer';
import { GenerationService } from './generation.service';
import { sendJson } from '../http/json-response';

/** How to answer one generation: as a stream in a dialect, or as one JSON body. */
export type GenerationAnswer = { stream: SseDialect } | { json: (result: GenerationResult) => object };

/** Runs an admitted generation through GenerationService and answers it streamed or whole. */
@Injectable()
export class GenerationResponder {
  constructor(
    private readonly generation: GenerationService,
    private readonly sse: SseStreamer,
  ) {}

  async respond(
    ctx: RequestContext,
    res: Response,
    request: GenerationRequest,
    answer: GenerationAnswer,
  ): Promise<void> {
    try {
      if ('stream' in answer) {
        const events = this.generation.stream(ctx, request);
        return await this.sse.relay(ctx, res, events, answer.stream);
      }
      const result = await this.generation.generate(ctx, request);
      const body = answer.json(result);
      stampTiming(ctx, res);
      sendJson(res, 200, body);
    } catch (error) {
      // A failed generation answered with an HTTP error (by the error filter) still says where its time went.
      if (!res.headersSent) {
        stampTiming(ctx, res);
      }
      throw error;
    }
  }
}

/** The answer is complete now: its Server-Timing and the overhead metric both count up to here. */
export function stampTiming(ctx: RequestContext, res: Response): void {
  ctx.answeredAt = performance.now();
  res.setHeader(SERVER_TIMING_HEADER, completedTiming(ctx, ctx.answeredAt));
}
