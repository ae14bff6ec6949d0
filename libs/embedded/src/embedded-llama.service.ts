import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';

import { InferenceError, ModelNotFoundError, UpstreamUnavailableError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  GenerationResult,
  ModelInfo,
  ModelStatus,
} from '@gateway/inference';
import { sameModel } from '@gateway/inference';
import { EmbeddedEmbeddings } from './embedded-embeddings';
import { generateOnSequence, type EngineHandle } from './embedded-generation';
import { grammarFactory } from './embedded-grammar';
import { assertReadable, EmbeddedModelFileError, ensureTestModel } from './embedded-model-file';
import type { EmbeddedLlamaOptions } from './embedded-options';
import { logEmbeddedStartup } from './embedded-startup-log';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './node-llama-cpp.loader';
import { prefetch } from './prefetch';
import { abortError, SequencePool } from './sequence-pool';

interface LoadedEngine extends EngineHandle {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
  embeddings: EmbeddedEmbeddings;
}

/** Text deltas waiting for a busy consumer go out as one. */
function mergeDeltas(a: GenerationEvent, b: GenerationEvent): GenerationEvent | undefined {
  return a.type === 'delta' && b.type === 'delta' ? { type: 'delta', text: a.text + b.text } : undefined;
}

/** The model is still being loaded; /ready reports this until it is done. */
export class EmbeddedModelLoadingError extends UpstreamUnavailableError {}

/**
 * Runs llama.cpp in-process through node-llama-cpp. Each request gets a context sequence of its own
 * (EMBEDDED_PARALLEL of them; later requests wait in arrival order), so tokens of two requests never mix,
 * and the sequence is cleared before the next request gets it, also after an abort.
 */
export class EmbeddedLlamaService implements InferenceProvider, OnModuleInit, OnApplicationShutdown {
  readonly backendName = 'embedded';
  private readonly logger = new Logger(EmbeddedLlamaService.name);
  private engine?: LoadedEngine;
  private loading?: Promise<LoadedEngine>;
  private loadFailure?: Error;
  private modelFile?: string;
  /** The public name first, then the aliases that differ from it (tag-normalised). */
  private readonly names: string[];

  constructor(private readonly options: EmbeddedLlamaOptions) {
    const names = [options.publicName, ...options.aliases];
    this.names = names.filter((name, index) => names.findIndex((other) => sameModel(other, name)) === index);
  }

  /** Fails start-up when the engine is not installed or MODEL_PATH is unreadable; loads the model in the background. */
  async onModuleInit(): Promise<void> {
    const lib = await loadNodeLlamaCpp();
    if (this.options.modelPath) {
      await assertReadable(this.options.modelPath);
    }
    this.loading = this.load(lib).catch((error: unknown) => {
      throw error instanceof InferenceError
        ? error
        : new UpstreamUnavailableError(`the embedded engine failed to start: ${(error as Error).message}`, {
            cause: error,
          });
    });
    this.loading.catch((error: Error) => {
      this.loadFailure = error;
      this.logger.error(`the embedded model failed to load: ${error.message}`);
    });
  }

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    if (!this.serves(request.model)) {
      throw new ModelNotFoundError(request.model);
    }
    const engine = await this.whenLoaded(options.signal);
    const sequence = await engine.pool.acquire(options.signal);
    let result: GenerationResult;
    try {
      result = yield* prefetch(
        generateOnSequence(engine, sequence, request, this.options.publicName, options.signal),
        mergeDeltas,
      );
    } finally {
      await this.recycle(engine, sequence);
    }
    // Only after the sequence is free: a consumer may stop pulling as soon as it has `done`.
    yield { type: 'done', result };
  }

  async embed(request: EmbeddingRequest, options: GenerationOptions = {}): Promise<EmbeddingResult> {
    if (!this.serves(request.model)) {
      throw new ModelNotFoundError(request.model);
    }
    const engine = await this.whenLoaded(options.signal);
    return engine.embeddings.embed(request, this.options.publicName, options.signal);
  }

  listModels(): Promise<ModelInfo[]> {
    return Promise.resolve(this.names.map((name) => ({ name, family: 'llama' })));
  }

  /** Ready means loaded: while loading (or after a failed load) this throws with the reason. */
  modelStatus(model: string): Promise<ModelStatus> {
    if (this.loadFailure) {
      return Promise.reject(this.loadFailure);
    }
    if (!this.engine) {
      return Promise.reject(
        new EmbeddedModelLoadingError(
          `the embedded model is still loading (${this.modelFile ?? 'preparing'})`,
        ),
      );
    }
    return Promise.resolve({
      reachable: true,
      present: this.serves(model),
      loaded: true,
      available: [...this.names],
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const engine = this.engine ?? (await this.loading?.catch(() => undefined));
    if (!engine) {
      return;
    }
    engine.pool.rejectWaiting(new UpstreamUnavailableError('the gateway is shutting down'));
    await engine.embeddings.dispose();
    await engine.context.dispose();
    await engine.model.dispose();
    await engine.llama.dispose();
  }

  private serves(model: string): boolean {
    return this.names.some((name) => sameModel(name, model));
  }

  private async whenLoaded(signal?: AbortSignal): Promise<LoadedEngine> {
    if (this.engine) {
      return this.engine;
    }
    if (!this.loading) {
      throw new UpstreamUnavailableError('the embedded engine was not started');
    }
    if (signal?.aborted) {
      throw abortError(signal);
    }
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.loading, aborted]);
    } finally {
      // A request that waited for the load must not leave its listener on the caller's signal.
      if (onAbort) {
        signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  private async recycle(engine: LoadedEngine, sequence: LlamaContextSequence): Promise<void> {
    try {
      await sequence.clearHistory();
    } catch (error) {
      this.logger.warn(`clearing a context sequence failed: ${(error as Error).message}`);
    }
    engine.pool.release(sequence);
  }

  private async load(lib: NodeLlamaCpp): Promise<LoadedEngine> {
    const started = performance.now();
    const { options } = this;
    const modelPath = options.modelPath ?? (await ensureTestModel(options.cacheDir));
    this.modelFile = modelPath;
    logEmbeddedStartup(this.logger, options, modelPath);
    const llama = await lib.getLlama({
      gpu: false,
      logLevel: lib.LlamaLogLevel.warn,
      logger: (_level, message) => this.logger.warn(`llama.cpp: ${message.trim()}`),
    });
    const model = await llama.loadModel({ modelPath }).catch((error: Error) => {
      throw new EmbeddedModelFileError(`cannot load ${modelPath} as a GGUF model: ${error.message}`, {
        cause: error,
      });
    });
    const contextSize = Math.min(options.contextSize, model.trainContextSize);
    const context = await model.createContext({
      sequences: options.parallel,
      contextSize,
      threads: options.threads,
    });
    // Resolving a chat template can block for a second: do it once, before the model counts as loaded.
    const chatWrapper = lib.resolveChatWrapper(model);
    const sequences = Array.from({ length: options.parallel }, () => context.getSequence());
    const grammarFor = grammarFactory(lib, llama, model);
    this.engine = {
      llama,
      model,
      context,
      chatWrapper,
      contextSize,
      grammarFor,
      pool: new SequencePool(sequences),
      embeddings: new EmbeddedEmbeddings(model, contextSize, options.threads),
    };
    this.logger.log(
      `embedded model '${options.publicName}' loaded in ${Math.round(performance.now() - started)} ms ` +
        `(context ${contextSize} tokens x ${options.parallel} sequences, ${options.threads} thread(s), chat wrapper ${chatWrapper.wrapperName})`,
    );
    return this.engine;
  }
}
