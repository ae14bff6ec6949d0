import { protocolError, truncate } from './upstream-detail';

/** More tokens than any context window holds: a count above it is corrupt, not large. */
export const MAX_REPORTED_TOKENS = 10_000_000;
/** A day, in Ollama's nanoseconds: no single phase of one request legitimately takes longer. */
export const MAX_REPORTED_DURATION_NS = 86_400 * 1e9;

const COUNT_FIELDS = ['prompt_eval_count', 'eval_count'] as const;
const DURATION_FIELDS = ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const;

/** One line of Ollama's generate or chat stream, after validation. */
export interface OllamaChunk {
  model?: string;
  /** `/api/generate`'s text. */
  response?: string;
  /** `/api/chat`'s message; tool calls arrive whole, arguments as an object. */
  message?: {
    role?: string;
    content?: string;
    tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: unknown } }>;
  };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

const MALFORMED = 'the inference backend sent a malformed stream';

/**
 * Parses and checks one NDJSON line. An `{"error"}` line, a line that is not a JSON object, a field of
 * the wrong type and a count or duration that is negative, fractional or absurd are protocol errors.
 * Details name fields and sizes only: a line may hold generated text, which is never logged.
 */
export function parseChunk(line: string): OllamaChunk {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw protocolError(MALFORMED, `a line of ${line.length} chars is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError(MALFORMED, 'a line is not a JSON object');
  }
  const chunk = value as Record<string, unknown>;
  if (chunk.error !== undefined) {
    const reported = typeof chunk.error === 'string' ? chunk.error : JSON.stringify(chunk.error);
    throw protocolError('the inference backend failed mid-stream', `error line: ${truncate(reported)}`);
  }
  expectType(chunk, 'model', 'string');
  expectType(chunk, 'response', 'string');
  expectType(chunk, 'done', 'boolean');
  expectType(chunk, 'done_reason', 'string');
  if (chunk.message !== undefined) {
    if (typeof chunk.message !== 'object' || chunk.message === null) {
      throw protocolError(MALFORMED, 'message is not an object');
    }
    expectType(chunk.message as Record<string, unknown>, 'content', 'string');
    const calls = (chunk.message as Record<string, unknown>).tool_calls;
    if (calls !== undefined && calls !== null && !Array.isArray(calls)) {
      throw protocolError(MALFORMED, 'message.tool_calls is not a list');
    }
  }
  for (const field of COUNT_FIELDS) {
    checkNumber(chunk, field, MAX_REPORTED_TOKENS, true);
  }
  for (const field of DURATION_FIELDS) {
    checkNumber(chunk, field, MAX_REPORTED_DURATION_NS, false);
  }
  return chunk;
}

/** The text a chunk adds, from either endpoint. */
export function chunkText(chunk: OllamaChunk): string | undefined {
  return chunk.response ?? chunk.message?.content;
}

function expectType(record: Record<string, unknown>, field: string, type: 'string' | 'boolean'): void {
  const value = record[field];
  if (value !== undefined && value !== null && typeof value !== type) {
    throw protocolError(MALFORMED, `${field} is a ${typeof value}, not a ${type}`);
  }
}

function checkNumber(record: Record<string, unknown>, field: string, max: number, integer: boolean): void {
  const value = record[field];
  if (value === undefined || value === null) {
    return;
  }
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!valid) {
    const shown = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw protocolError(
      'the inference backend reported invalid usage figures',
      `${field} is ${shown}, expected ${integer ? 'an integer' : 'a number'} from 0 to ${max}`,
    );
  }
}
