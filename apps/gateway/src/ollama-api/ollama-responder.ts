import { Injectable } from '@nestjs/common';
import type { GenerationRequest } from '@gateway/inference';
import type { RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { stampTiming } from '../generation/generation-responder';
import { GenerationService } from '../generation/generation.service';
import { NdjsonStreamer } from './ndjson-streamer';
import { OllamaNdjsonDialect } from './ollama-ndjson.dialect';
import type { OllamaAnswer } from './ollama-response.mapping';
import { sendJson } from '../http/json-response';

/** Runs an Ollama-dialect generation through GenerationService: NDJSON by default, one object with `stream: false`. */
@Injectable()
export class OllamaResponder {
  constructor(
    private readonly generation: GenerationService,
    private readonly ndjson: NdjsonStreamer,
  ) {}

  async respond(
    ctx: RequestContext,
    res: Response,
    request: GenerationRequest,
    answer: OllamaAnswer,
    stream: boolean,
  ): Promise<void> {
    if (stream) {
      const events = this.generation.stream(ctx, request);
      return this.ndjson.relay(ctx, res, events, new OllamaNdjsonDialect(answer));
    }
    const result = await this.generation.generate(ctx, request);
    const body = answer.final(result, result.text, result.toolCalls);
    stampTiming(ctx, res);
    sendJson(res, 200, body);
  }
}
