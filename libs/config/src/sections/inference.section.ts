import { basename } from 'node:path';

import { InferenceEnv } from '../env/inference.env';
import type { InferenceConfig } from '../gateway-config';
import { normaliseOllamaHost } from '../ollama-host';
import { parseSection, type SectionContext } from '../parse-section';

/** Name of the generated random-weights model used when the embedded backend has no MODEL_PATH. */
export const TEST_MODEL_NAME = 'random-weights-test-model';

export function buildInferenceConfig({ env, nodeEnv, problems }: SectionContext): InferenceConfig {
  const inference = parseSection(InferenceEnv, env, problems);
  let ollamaHost = inference.OLLAMA_HOST;
  try {
    ollamaHost = normaliseOllamaHost(inference.OLLAMA_HOST);
  } catch (error) {
    problems.push(`OLLAMA_HOST: ${(error as Error).message}`);
  }
  if (nodeEnv === 'production' && inference.INFERENCE_BACKEND === undefined) {
    problems.push('INFERENCE_BACKEND: must be set explicitly (ollama or embedded) when NODE_ENV=production');
  }
  const backend = inference.INFERENCE_BACKEND ?? 'embedded';
  return {
    backend,
    backendDefaulted: inference.INFERENCE_BACKEND === undefined,
    ollamaHost,
    modelName: inference.MODEL_NAME ?? defaultModelName(backend, inference.MODEL_PATH),
    modelPath: inference.MODEL_PATH,
    ollamaNumThread: inference.OLLAMA_NUM_THREAD,
    contextLength: inference.MODEL_CONTEXT_LENGTH,
    embeddingsMaxInputs: inference.EMBEDDINGS_MAX_INPUTS,
    embeddedThreads: inference.EMBEDDED_THREADS,
    embeddedContextSize: inference.EMBEDDED_CONTEXT_SIZE,
    embeddedParallel: inference.EMBEDDED_PARALLEL,
  };
}

/** Ollama's default model; on the embedded engine, the file's own name (or the generated test model's). */
function defaultModelName(backend: InferenceConfig['backend'], modelPath: string | undefined): string {
  if (backend === 'ollama') {
    return 'qwen2.5:0.5b';
  }
  return modelPath ? basename(modelPath).replace(/\.gguf$/i, '') : TEST_MODEL_NAME;
}
