import type { ChatWrapper, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

import { completionBudget } from '@gateway/inference';
import { parseForcedToolCall } from '@gateway/inference';
import type { FinishReason, GenerationEvent, GenerationRequest, GenerationResult } from '@gateway/inference';
import { toChatHistory, toChatModelFunctions } from './embedded-chat-history';
import { prepareConstraints, type GrammarFactory } from './embedded-constraints';
import { samplingOptions } from './embedded-sampling';
import { IncrementalDetokenizer } from './incremental-detokenizer';
import { abortError } from './sequence-pool';
import { StopSequences } from './stop-sequences';

/** What one generation needs from the loaded engine. */
export interface EngineHandle {
  model: LlamaModel;
  chatWrapper: ChatWrapper;
  /** Tokens one sequence holds. */
  contextSize: number;
  grammarFor: GrammarFactory;
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
  const constraints = await prepareConstraints(request, engine.grammarFor);
  const { tokens, stops } = prepareInput(engine, request);
  const budget = completionBudget(request.input, tokens.length, request.params.maxTokens, engine.contextSize);
  const generated: Token[] = [];
  const forced = constraints.forcedCall !== undefined;
  let held = '';
  const detokenizer = new IncrementalDetokenizer<Token>((t, last) => engine.model.detokenize(t, false, last));
  const stopper = new StopSequences(stops);
  const started = performance.now();
  let firstTokenAt: number | undefined;
  let completionTokens = 0;
  let finishReason: FinishReason = 'stop';
  let stoppedByString = false;
  const options = {
    ...samplingOptions(request.params, generated),
    grammarEvaluationState: constraints.grammar,
  };
  for await (const token of sequence.evaluate(tokens, options)) {
    if (signal?.aborted) {
      throw abortError(signal);
    }
    firstTokenAt ??= performance.now();
    if (engine.model.isEogToken(token)) {
      break;
    }
    completionTokens += 1;
    generated.push(token);
    const piece = stopper.push(detokenizer.push(token));
    if (piece.text && forced) {
      held += piece.text;
    } else if (piece.text) {
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
    if (tail && forced) {
      held += tail;
    } else if (tail) {
      yield { type: 'delta', text: tail };
    }
  }
  if (forced && finishReason === 'length') {
    // Cut off by the token limit, the call is incomplete: it is reported as the text it is.
    yield { type: 'delta', text: held };
  } else if (forced) {
    yield { type: 'tool_call', call: parseForcedToolCall(held) };
    finishReason = 'tool_calls';
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

function prepareInput(engine: EngineHandle, { input, params, tools }: GenerationRequest): PreparedInput {
  const stops = params.stop?.filter((stop) => stop.length > 0) ?? [];
  const { model } = engine;
  if (input.kind === 'prompt') {
    const text = model.tokenize(input.prompt, false);
    const bos = model.tokens.bos;
    const tokens = model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...text] : text;
    return { tokens, stops };
  }
  // The chat template documents the tools the model is offered (a forced call is shaped by its grammar).
  const offered = tools && tools.choice.type !== 'none' ? tools.definitions : [];
  const state = engine.chatWrapper.generateContextState({
    chatHistory: toChatHistory(input.messages),
    ...(offered.length > 0 ? { availableFunctions: toChatModelFunctions(offered) } : {}),
  });
  const textTriggers = state.stopGenerationTriggers
    .filter((trigger) => trigger.values.every((value) => typeof value === 'string'))
    .map((trigger) => trigger.toString());
  return { tokens: state.contextText.tokenize(model.tokenizer), stops: [...stops, ...textTriggers] };
}
