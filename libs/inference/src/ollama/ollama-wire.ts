import type { Options } from 'ollama';

import type {
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  GenerationResult,
  SamplingParams,
} from '../inference.types';
import { chunkText, type OllamaChunk } from './ollama-chunk';

const NS_PER_MS = 1_000_000;

export interface OllamaRequest {
  path: '/api/generate' | '/api/chat';
  body: Record<string, unknown>;
}

/** The native call for a generation: always streamed, so that every call can be aborted. */
export function toOllamaRequest(request: GenerationRequest): OllamaRequest {
  const { model, input, params } = request;
  const common = { model, options: toOllamaOptions(params), format: params.format, stream: true };
  if (input.kind === 'chat') {
    return { path: '/api/chat', body: { ...common, messages: input.messages } };
  }
  return { path: '/api/generate', body: { ...common, prompt: input.prompt } };
}

/** Maps our sampling parameters onto Ollama's `options` (its names, its units). */
export function toOllamaOptions(params: SamplingParams): Partial<Options> {
  const options: Partial<Options> = { num_predict: params.maxTokens };
  if (params.temperature !== undefined) {
    options.temperature = params.temperature;
  }
  if (params.topP !== undefined) {
    options.top_p = params.topP;
  }
  if (params.seed !== undefined) {
    options.seed = params.seed;
  }
  // An empty stop string matches nothing useful; Ollama would receive it as is.
  const stop = params.stop?.filter((sequence) => sequence !== '');
  if (stop !== undefined && stop.length > 0) {
    options.stop = stop;
  }
  if (params.presencePenalty !== undefined) {
    options.presence_penalty = params.presencePenalty;
  }
  if (params.frequencyPenalty !== undefined) {
    options.frequency_penalty = params.frequencyPenalty;
  }
  return options;
}

/** What one (validated) chunk stands for: its text as a delta, if any, then `done` on the final chunk. */
export function toGenerationEvents(model: string, chunk: OllamaChunk): GenerationEvent[] {
  const text = chunkText(chunk);
  const events: GenerationEvent[] = text ? [{ type: 'delta', text }] : [];
  if (chunk.done === true) {
    events.push({ type: 'done', result: toFinalResult(model, chunk) });
  }
  return events;
}

/** finish_reason comes from done_reason; `length` only when Ollama says the limit was hit. */
export function toFinishReason(doneReason: string | undefined): FinishReason {
  return doneReason === 'length' ? 'length' : 'stop';
}

/** The final chunk's counters and durations; Ollama omits the fields that are zero. */
export function toFinalResult(model: string, chunk: OllamaChunk): GenerationResult {
  return {
    model: chunk.model || model,
    text: '',
    finishReason: toFinishReason(chunk.done_reason),
    usage: { promptTokens: chunk.prompt_eval_count ?? 0, completionTokens: chunk.eval_count ?? 0 },
    timings: {
      loadMs: nsToMs(chunk.load_duration),
      promptEvalMs: nsToMs(chunk.prompt_eval_duration),
      evalMs: nsToMs(chunk.eval_duration),
    },
  };
}

function nsToMs(ns: number | undefined): number | undefined {
  return typeof ns === 'number' && ns > 0 ? ns / NS_PER_MS : undefined;
}
