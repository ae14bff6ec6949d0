import type { GenerationEvent } from '@gateway/inference';

import type { ApiError } from './api-error';

/** One Server-Sent Event: an optional `event:` name and a single-line `data:` payload. */
export interface SseFrame {
  event?: string;
  data: string;
}

/** How one API family spells a generation stream as SSE events. */
export interface SseDialect {
  /** Frames for one generation event (a delta, or the final result). */
  framesFor(event: GenerationEvent): SseFrame[];
  /** Frames after a clean finish (OpenAI's `[DONE]`). */
  closingFrames(): SseFrame[];
  /** The terminal frame(s) of a stream that failed after its 200 was sent. */
  errorFrame(error: ApiError, requestId: string | undefined): SseFrame | SseFrame[];
}

export function jsonFrame(body: unknown, event?: string): SseFrame {
  return { event, data: JSON.stringify(body) };
}
