import type { GenerationEvent } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import { gatewayErrorBody } from '../http/error-body';
import { jsonFrame, type SseDialect, type SseFrame } from '../http/sse-dialect';
import { toUsage } from './generate.mapping';

/**
 * Our streaming format: `event: delta` `{"text"}` per chunk, one `event: done` with the finish reason
 * and usage, and the stream ends; or a terminal `event: error` with our usual error body.
 */
export class GenerateSseDialect implements SseDialect {
  /** `model` is the public id reported to the caller. */
  constructor(private readonly model: string) {}

  framesFor(event: GenerationEvent): SseFrame[] {
    if (event.type === 'delta') {
      return [jsonFrame({ text: event.text }, 'delta')];
    }
    if (event.type === 'tool_call') {
      // A prompt without tools never produces calls.
      return [];
    }
    const { result } = event;
    return [
      jsonFrame(
        {
          finish_reason: result.finishReason,
          tokens_generated: result.usage.completionTokens,
          model: this.model,
          usage: toUsage(result),
        },
        'done',
      ),
    ];
  }

  closingFrames(): SseFrame[] {
    return [];
  }

  errorFrame(error: ApiError, requestId: string | undefined): SseFrame {
    return jsonFrame(gatewayErrorBody(error, requestId), 'error');
  }
}
