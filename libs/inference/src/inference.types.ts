import type { ToolCall, ToolUse } from './tools.types';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** The calls an assistant message made (its content may then be empty). */
  toolCalls?: ToolCall[];
  /** On a `tool` message: the call it answers, and that call's function name. */
  toolCallId?: string;
  toolName?: string;
}

/** What to continue: a raw prompt, or a conversation rendered with the model's chat template. */
export type GenerationInput = { kind: 'prompt'; prompt: string } | { kind: 'chat'; messages: ChatMessage[] };

export interface SamplingParams {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Ollama's and llama.cpp's samplers: only the K most likely tokens (0: all of them). */
  topK?: number;
  /** Ollama's and llama.cpp's samplers: drop tokens below this share of the likeliest one's probability. */
  minP?: number;
  /** Multiplicative penalty on tokens seen in the last `repeatLastN` (1: none). */
  repeatPenalty?: number;
  /** How many recent tokens the penalties look at: 0 turns them off, -1 means the whole context. */
  repeatLastN?: number;
  /** `json` for any JSON object, or a JSON schema the output must follow. */
  format?: 'json' | Record<string, unknown>;
}

export interface GenerationRequest {
  /** The backend's model name (already resolved from any public alias). */
  model: string;
  input: GenerationInput;
  params: SamplingParams;
  /** Functions the model may call (chat only). */
  tools?: ToolUse;
  /** The model's context window in tokens, when the model table or MODEL_CONTEXT_LENGTH sets one. */
  contextLength?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Backend-reported durations in milliseconds; absent when the backend did not report them. */
export interface GenerationTimings {
  loadMs?: number;
  promptEvalMs?: number;
  evalMs?: number;
}

export interface GenerationResult {
  model: string;
  text: string;
  finishReason: FinishReason;
  /** Calls the model made, in order; absent or empty when it answered with text only. */
  toolCalls?: ToolCall[];
  usage: TokenUsage;
  timings: GenerationTimings;
}

/**
 * A stream yields text deltas and whole tool calls, and ends with exactly one `done` event; anything else
 * is a failure.
 */
export type GenerationEvent =
  | { type: 'delta'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'done'; result: GenerationResult };

export interface GenerationOptions {
  /** Aborting it stops generation and releases the backend's slot. */
  signal?: AbortSignal;
  /** Told how long the request waited for a backend slot, once it got one. */
  onAdmitted?: (waitedMs: number) => void;
  /** The gateway request this call serves: backends put it on their log lines. */
  requestId?: string;
  /** Headers an HTTP backend sends with the call (request id, trace context); others ignore them. */
  headers?: Readonly<Record<string, string>>;
  /** Told when the router starts an attempt on one endpoint (see AttemptObserver). */
  onAttempt?: (endpoint: string) => AttemptObserver;
}

/** Follows one attempt on one endpoint: its own headers (merged over `headers`) and how it ended. */
export interface AttemptObserver {
  headers: Readonly<Record<string, string>>;
  /**
   * Called once; `error` is what failed the attempt, undefined when it succeeded or was abandoned.
   * `result` is the backend's answer when the attempt completed: it is reported with the end, before
   * the consumer receives `done`.
   */
  end(error?: unknown, result?: GenerationResult): void;
}

export interface ModelInfo {
  /** Canonical name, tag included (`llama3:latest`). */
  name: string;
  sizeBytes?: number;
  modifiedAt?: string;
  family?: string;
}

export interface ModelStatus {
  /** The backend answered. */
  reachable: boolean;
  /** The model exists on the backend. */
  present: boolean;
  /** The model is loaded in memory (warm). */
  loaded: boolean;
  /** Names the backend has, for diagnostics. */
  available: string[];
}

/** What to embed: texts, or texts already tokenized for the model. */
export type EmbeddingInput = { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };

export interface EmbeddingRequest {
  /** The backend's model name (already resolved from any public alias). */
  model: string;
  input: EmbeddingInput;
  /** Length the caller wants the vectors to have; undefined for the model's own. */
  dimensions?: number;
  /** The model's context window in tokens, when the model table or MODEL_CONTEXT_LENGTH sets one. */
  contextLength?: number;
}

export interface EmbeddingResult {
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  promptTokens: number;
}
