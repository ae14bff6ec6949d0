import { Injectable } from '@nestjs/common';
import type { GenerationRequest } from '@gateway/inference';
import type { Request, Response } from 'express';

import { GenerationService } from '../generation/generation.service';
import { clientAbortSignal } from '../http/client-abort-signal';
import { NdjsonStreamer } from './ndjson-streamer';
import { OllamaNdjsonDialect } from './ollama-ndjson.dialect';
import type { OllamaAnswer } from './ollama-response.mapping';

/** Runs an Ollama-dialect generation through GenerationService: NDJSON by default, one object with `stream: false`. */
@Injectable()
export class OllamaResponder {
  constructor(
    private readonly generation: GenerationService,
    private readonly ndjson: NdjsonStreamer,
  ) {}

  async respond(
    req: Request,
    res: Response,
    route: string,
    request: GenerationRequest,
    answer: OllamaAnswer,
    stream: boolean,
  ): Promise<void> {
    const signal = clientAbortSignal(res);
    if (stream) {
      const events = this.generation.stream(route, request, signal);
      return this.ndjson.relay(req, res, route, events, new OllamaNdjsonDialect(answer));
    }
    const result = await this.generation.generate(route, request, signal);
    res.status(200).json(answer.final(result, result.text, result.toolCalls));
  }
}
