import { DEFAULT_TEMPERATURE } from '@gateway/inference';
import type { FinishReason, GenerationResult, SamplingParams } from '@gateway/inference';

const NS_PER_MS = 1_000_000;

/** The `options` the gateway sets on Ollama's native API. */
export interface OllamaOptions {
  num_predict: number;
  num_ctx?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  top_k?: number;
  min_p?: number;
  repeat_penalty?: number;
  repeat_last_n?: number;
  num_thread?: number;
}

/** What the gateway's configuration adds to every generation on one Ollama server. */
export interface OllamaServerOptions {
  /** CPU threads per generation (OLLAMA_NUM_THREAD); Ollama would count the host's cores. */
  numThread?: number;
}

/** The counters and durations of Ollama's final (`done: true`) chunk; Ollama omits those that are zero. */
export interface OllamaFinalChunk {
  model?: string;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

type NumericKey<T> = { [K in keyof T]-?: T[K] extends number | undefined ? K : never }[keyof T];

/** The numeric sampling parameters Ollama takes as they are: ours, and its name for each. */
const PASSED_AS_IS: ReadonlyArray<[NumericKey<SamplingParams>, NumericKey<OllamaOptions>]> = [
  ['topP', 'top_p'],
  ['seed', 'seed'],
  ['presencePenalty', 'presence_penalty'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['topK', 'top_k'],
  ['minP', 'min_p'],
  ['repeatPenalty', 'repeat_penalty'],
  ['repeatLastN', 'repeat_last_n'],
];

/** Maps our sampling parameters onto Ollama's `options` (its names, its units). */
export function toOllamaOptions(
  params: SamplingParams,
  contextLength?: number,
  server: OllamaServerOptions = {},
): OllamaOptions {
  const options: OllamaOptions = {
    num_predict: params.maxTokens,
    temperature: params.temperature ?? DEFAULT_TEMPERATURE,
  };
  if (contextLength !== undefined) {
    options.num_ctx = contextLength;
  }
  if (server.numThread !== undefined) {
    options.num_thread = server.numThread;
  }
  for (const [param, option] of PASSED_AS_IS) {
    const value = params[param];
    if (value !== undefined) {
      options[option] = value;
    }
  }
  // An empty stop string matches nothing useful; Ollama would receive it as is.
  const stop = params.stop?.filter((sequence) => sequence !== '');
  if (stop !== undefined && stop.length > 0) {
    options.stop = stop;
  }
  return options;
}

/** finish_reason comes from done_reason; `length` only when Ollama says the limit was hit. */
export function toFinishReason(doneReason: string | undefined): FinishReason {
  return doneReason === 'length' ? 'length' : 'stop';
}

/** The final chunk's counters and durations; Ollama omits the fields that are zero. */
export function toFinalResult(model: string, chunk: OllamaFinalChunk): GenerationResult {
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
