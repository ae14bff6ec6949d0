import type { ChatWrapper, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

import { UpstreamRejectedError } from '../inference.errors';
import type {
  FinishReason,
  GenerationEvent,
  GenerationInput,
  GenerationRequest,
  GenerationResult,
  SamplingParams,
} from '../inference.types';
import { toChatHistory } from './embedded-chat-history';
import { IncrementalDetokenizer } from './incremental-detokenizer';
import { abortError } from './sequence-pool';
import { StopSequences } from './stop-sequences';

/** What one generation needs from the loaded engine. */
export interface EngineHandle {
  model: LlamaModel;
  chatWrapper: ChatWrapper;
  /** Tokens one sequence holds. */
  contextSize: number;
}

interface PreparedInput {
  tokens: Token[];
  stops: string[];
}

/**
 * Runs one request on a sequence it owns exclusively: tokenizes the input, samples until end-of-sequence,
 * a stop string or the token budget, streams the text deltas and returns the result with real counts.
 * The caller clears the sequence, then reports the result: consumers may stop pulling after `done`.
 */
export async function* generateOnSequence(
  engine: EngineHandle,
  sequence: LlamaContextSequence,
  request: GenerationRequest,
  publicName: string,
  signal?: AbortSignal,
): AsyncGenerator<GenerationEvent, GenerationResult> {
  const { tokens, stops } = prepareInput(engine, request.input, request.params);
  if (tokens.length >= engine.contextSize) {
    throw new UpstreamRejectedError(
      `the prompt is ${tokens.length} tokens; the embedded context holds ${engine.contextSize}`,
    );
  }
  const budget = Math.min(request.params.maxTokens, engine.contextSize - tokens.length);
  const detokenizer = new IncrementalDetokenizer<Token>((t, last) => engine.model.detokenize(t, false, last));
  const stopper = new StopSequences(stops);
  const started = performance.now();
  let firstTokenAt: number | undefined;
  let completionTokens = 0;
  let finishReason: FinishReason = 'stop';
  let stoppedByString = false;
  for await (const token of sequence.evaluate(tokens, samplingOptions(request.params))) {
    if (signal?.aborted) {
      throw abortError(signal);
    }
    firstTokenAt ??= performance.now();
    if (engine.model.isEogToken(token)) {
      break;
    }
    completionTokens += 1;
    const piece = stopper.push(detokenizer.push(token));
    if (piece.text) {
      yield { type: 'delta', text: piece.text };
    }
    if (piece.stopped) {
      stoppedByString = true;
      break;
    }
    if (completionTokens >= budget) {
      finishReason = 'length';
      break;
    }
  }
  if (!stoppedByString) {
    const rest = stopper.push(detokenizer.flush());
    const tail = rest.stopped ? rest.text : rest.text + stopper.flush();
    if (tail) {
      yield { type: 'delta', text: tail };
    }
  }
  const ended = performance.now();
  return {
    model: publicName,
    text: '',
    finishReason,
    usage: { promptTokens: tokens.length, completionTokens },
    timings: {
      promptEvalMs: (firstTokenAt ?? ended) - started,
      evalMs: firstTokenAt === undefined ? undefined : ended - firstTokenAt,
    },
  };
}

function samplingOptions(params: SamplingParams): Parameters<LlamaContextSequence['evaluate']>[1] {
  return { temperature: params.temperature ?? 0, topP: params.topP, seed: params.seed };
}

function prepareInput(engine: EngineHandle, input: GenerationInput, params: SamplingParams): PreparedInput {
  const stops = params.stop?.filter((stop) => stop.length > 0) ?? [];
  const { model } = engine;
  if (input.kind === 'prompt') {
    const text = model.tokenize(input.prompt, false);
    const bos = model.tokens.bos;
    const tokens = model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...text] : text;
    return { tokens, stops };
  }
  const state = engine.chatWrapper.generateContextState({ chatHistory: toChatHistory(input.messages) });
  const textTriggers = state.stopGenerationTriggers
    .filter((trigger) => trigger.values.every((value) => typeof value === 'string'))
    .map((trigger) => trigger.toString());
  return { tokens: state.contextText.tokenize(model.tokenizer), stops: [...stops, ...textTriggers] };
}
