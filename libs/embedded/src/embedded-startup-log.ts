import type { Logger } from '@nestjs/common';

import type { EmbeddedLlamaOptions } from './embedded-options';

/** Says which backend, model and file serve requests, whether the text is random, and how to switch. */
export function logEmbeddedStartup(logger: Logger, options: EmbeddedLlamaOptions, modelPath: string): void {
  logger.log(
    `inference backend: embedded (llama.cpp in-process); model '${options.publicName}' from ${modelPath}`,
  );
  if (options.modelPath === undefined) {
    logger.warn(
      'this is the generated test model: its weights are random, so its text is random. ' +
        'For real text set MODEL_PATH=/path/to/model.gguf (e.g. a blob already pulled by Ollama).',
    );
  }
  logger.log('to use Ollama instead set INFERENCE_BACKEND=ollama (and OLLAMA_HOST, MODEL_NAME)');
}
