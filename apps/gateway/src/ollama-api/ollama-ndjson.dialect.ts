import type { GenerationEvent } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import { ollamaErrorBody } from '../http/error-body';
import type { NdjsonDialect } from './ndjson-streamer';
import type { OllamaAnswer } from './ollama-response.mapping';

/** Ollama's stream: one object per piece of text, then one `done: true` object with the counters. */
export class OllamaNdjsonDialect implements NdjsonDialect {
  constructor(private readonly answer: OllamaAnswer) {}

  linesFor(event: GenerationEvent): object[] {
    switch (event.type) {
      case 'delta':
        return [this.answer.chunk(event.text)];
      case 'tool_call':
        return [this.answer.toolCallChunk(event.call)];
      case 'done':
        return [this.answer.final(event.result, '')];
    }
  }

  errorLine(error: ApiError): object {
    return ollamaErrorBody(error);
  }
}
