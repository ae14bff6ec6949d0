import type { FinishReason, GenerationResult, ToolCall } from '@gateway/inference';

const NS_PER_MS = 1_000_000;

export type OllamaEndpoint = 'chat' | 'generate';

/**
 * Builds Ollama's chunks and final objects for one request. Durations are nanoseconds: the backend's
 * own figures when it reports them, otherwise what the gateway measured around the generation.
 */
export class OllamaAnswer {
  private readonly started = performance.now();
  private firstTokenAt?: number;

  constructor(
    readonly endpoint: OllamaEndpoint,
    /** The public model name, tag included. */
    readonly model: string,
  ) {}

  /** One streamed piece of text. */
  chunk(text: string): object {
    this.firstTokenAt ??= performance.now();
    return { ...this.head(), ...this.text(text), done: false };
  }

  /** A call the model made: Ollama streams each one whole, its arguments as an object. */
  toolCallChunk(call: ToolCall): object {
    this.firstTokenAt ??= performance.now();
    const message = { role: 'assistant', content: '', tool_calls: [toOllamaToolCall(call)] };
    return { ...this.head(), message, done: false };
  }

  /** The last object of a stream (`text` empty), or the whole answer (`text` joined, with its calls). */
  final(result: GenerationResult, text: string, calls: ToolCall[] = []): object {
    const ended = performance.now();
    const { loadMs, promptEvalMs, evalMs } = result.timings;
    const firstToken = this.firstTokenAt;
    return {
      ...this.head(),
      ...this.text(text, calls),
      done: true,
      done_reason: toDoneReason(result.finishReason),
      total_duration: ns(ended - this.started),
      ...positive('load_duration', loadMs),
      prompt_eval_count: result.usage.promptTokens,
      ...positive('prompt_eval_duration', promptEvalMs ?? (firstToken && firstToken - this.started)),
      eval_count: result.usage.completionTokens,
      ...positive('eval_duration', evalMs ?? (firstToken && ended - firstToken)),
    };
  }

  /** What Ollama answers to a generate with no prompt: the model is ready, nothing was generated. */
  loaded(): object {
    return { ...this.head(), ...this.text(''), done: true, done_reason: 'load' };
  }

  private head(): { model: string; created_at: string } {
    return { model: this.model, created_at: new Date().toISOString() };
  }

  private text(text: string, calls: ToolCall[] = []): object {
    if (this.endpoint === 'generate') {
      return { response: text };
    }
    const toolCalls = calls.length > 0 ? { tool_calls: calls.map(toOllamaToolCall) } : {};
    return { message: { role: 'assistant', content: text, ...toolCalls } };
  }
}

function ns(ms: number): number {
  return Math.max(0, Math.round(ms * NS_PER_MS));
}

/** Ollama leaves out durations that are zero or unknown. */
function positive(field: string, ms: number | undefined): Record<string, number> {
  return ms !== undefined && ms > 0 ? { [field]: ns(ms) } : {};
}

/** Ollama says `stop` when a model ends its turn with tool calls. */
function toDoneReason(reason: FinishReason): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
}

/** Ollama's calls carry their arguments as an object (backends report them as JSON text). */
function toOllamaToolCall(call: ToolCall): object {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = {};
  }
  return { function: { name: call.name, arguments: args } };
}
