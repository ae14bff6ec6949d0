import { forcedToolUse, parseForcedToolCall } from '@gateway/inference';
import type { GenerationEvent, GenerationRequest } from '@gateway/inference';
import { newToolCallId, type ToolCall } from '@gateway/inference';
import type { OllamaChunk } from './ollama-chunk';
import { toFinalResult } from './ollama-wire';

/**
 * Turns Ollama's chunks into generation events, one chunk at a time: text deltas, tool calls (Ollama sends
 * each whole, with arguments as an object and often without an id), and the final result. The output of
 * a forced tool call is held back and answered as the call it encodes.
 */
export class OllamaChunkReader {
  private readonly forced: boolean;
  private held = '';
  private calls = 0;

  constructor(private readonly request: GenerationRequest) {
    this.forced = forcedToolUse(request) !== undefined;
  }

  read(chunk: OllamaChunk): GenerationEvent[] {
    const events: GenerationEvent[] = [];
    const text = chunk.message?.content ?? chunk.response;
    if (text) {
      if (this.forced) {
        this.held += text;
      } else {
        events.push({ type: 'delta', text });
      }
    }
    for (const raw of chunk.message?.tool_calls ?? []) {
      const call = toToolCall(raw);
      if (call && this.mayCall()) {
        events.push({ type: 'tool_call', call });
      }
    }
    if (chunk.done) {
      events.push(...this.finish(chunk));
    }
    return events;
  }

  private finish(chunk: OllamaChunk): GenerationEvent[] {
    const events: GenerationEvent[] = [];
    const result = toFinalResult(this.request.model, chunk);
    if (this.forced) {
      // Cut off by the token limit, the call is incomplete JSON: it is reported as the text it is.
      if (result.finishReason === 'length' && !isJson(this.held)) {
        return [
          { type: 'delta', text: this.held },
          { type: 'done', result },
        ];
      }
      this.calls += 1;
      events.push({ type: 'tool_call', call: parseForcedToolCall(this.held) });
    }
    if (this.calls > 0 && result.finishReason === 'stop') {
      result.finishReason = 'tool_calls';
    }
    events.push({ type: 'done', result });
    return events;
  }

  /** With `parallel_tool_calls: false`, only the first call counts. */
  private mayCall(): boolean {
    if (this.calls > 0 && this.request.tools?.parallel === false) {
      return false;
    }
    this.calls += 1;
    return true;
  }
}

function toToolCall(raw: {
  id?: string;
  function?: { name?: string; arguments?: unknown };
}): ToolCall | undefined {
  const name = raw.function?.name;
  if (typeof name !== 'string' || name === '') {
    return undefined;
  }
  const args = raw.function?.arguments ?? {};
  return {
    id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : newToolCallId(),
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
