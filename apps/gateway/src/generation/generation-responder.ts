import { Injectable } from '@nestjs/common';
import type { GenerationRequest, GenerationResult } from '@gateway/inference';
import type { RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { clientAbortSignal } from '../http/client-abort-signal';
import type { SseDialect } from '../http/sse-dialect';
import { SseStreamer } from '../http/sse-streamer';
import { GenerationService } from './generation.service';

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
    const signal = clientAbortSignal(res);
    if ('stream' in answer) {
      const events = this.generation.stream(ctx, request, signal);
      return this.sse.relay(ctx, res, events, answer.stream);
    }
    const result = await this.generation.generate(ctx, request, signal);
    res.status(200).json(answer.json(result));
  }
}
