import { resolve } from 'node:path';

import { TEST_MODEL_NAME, type GatewayConfig } from '@gateway/config';

export interface EmbeddedLlamaOptions {
  /** GGUF file to load; unset means the generated random-weights test model. */
  modelPath?: string;
  /** The name responses report. */
  publicName: string;
  /** Further names requests may use for the same model (the configured MODEL_NAME). */
  aliases: string[];
  threads: number;
  /** Tokens per context sequence (capped at the model's training context). */
  contextSize: number;
  /** Context sequences, i.e. requests generating at once; the rest wait in arrival order. */
  parallel: number;
  /** Where the generated test model is written. */
  cacheDir: string;
}

/** The generated model always reports a name that says it is random, whatever MODEL_NAME says. */
export function embeddedOptionsFrom(config: GatewayConfig): EmbeddedLlamaOptions {
  const inference = config.inference;
  return {
    modelPath: inference.modelPath,
    publicName: inference.modelPath ? inference.modelName : TEST_MODEL_NAME,
    aliases: [inference.modelName],
    threads: inference.embeddedThreads,
    contextSize: inference.embeddedContextSize,
    parallel: inference.embeddedParallel,
    cacheDir: resolve('.models'),
  };
}
