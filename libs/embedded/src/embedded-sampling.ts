import type { SequenceEvaluateOptions, Token } from 'node-llama-cpp';

import { DEFAULT_TEMPERATURE, type SamplingParams } from '@gateway/inference';

/** The penalties count tokens generated so far; by default the engine looks at this many of the latest. */
export const PENALTY_WINDOW = 256;

/** A request's sampling parameters as node-llama-cpp's evaluation options. */
export function samplingOptions(params: SamplingParams, generated: Token[]): SequenceEvaluateOptions {
  const { presencePenalty = 0, frequencyPenalty = 0, repeatPenalty = 1 } = params;
  // The penalties look at what this generation produced: -1 (Ollama's "whole context") is all of it.
  const window =
    params.repeatLastN === undefined
      ? PENALTY_WINDOW
      : params.repeatLastN === -1
        ? params.maxTokens
        : Math.min(params.repeatLastN, params.maxTokens);
  const penalised = window > 0 && (presencePenalty !== 0 || frequencyPenalty !== 0 || repeatPenalty !== 1);
  return {
    temperature: params.temperature ?? DEFAULT_TEMPERATURE,
    topP: params.topP,
    topK: params.topK,
    minP: params.minP,
    seed: params.seed,
    ...(penalised
      ? {
          repeatPenalty: {
            punishTokens: () => generated.slice(-window),
            maxPunishTokens: window,
            // 1 unless Ollama's repeat_penalty was given: OpenAI's two penalties are additive only.
            penalty: repeatPenalty,
            presencePenalty,
            frequencyPenalty,
          },
        }
      : {}),
  };
}
