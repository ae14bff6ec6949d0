import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';

import { ContextLengthExceededError, UnsupportedParameterError } from '@gateway/inference';
import type { EmbeddingRequest, EmbeddingResult } from '@gateway/inference';

/**
 * Embeddings from the loaded model through node-llama-cpp's embedding context, created on first use (it
 * holds its own context memory) and used by one request at a time. Inputs are embedded one by one; an
 * input longer than the context is the caller's context_length_exceeded, never silently cut.
 */
export class EmbeddedEmbeddings {
  private context?: Promise<LlamaEmbeddingContext>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: LlamaModel,
    private readonly contextSize: number,
    private readonly threads: number,
  ) {}

  embed(request: EmbeddingRequest, publicName: string, signal?: AbortSignal): Promise<EmbeddingResult> {
    const size = this.model.embeddingVectorSize;
    if (request.dimensions !== undefined && request.dimensions !== size) {
      throw new UnsupportedParameterError(
        'dimensions',
        `dimensions must be ${size} on the embedded backend: the model's vectors cannot be shortened`,
      );
    }
    const inputs: Array<string | Token[]> =
      request.input.kind === 'text' ? request.input.texts : (request.input.tokens as Token[][]);
    const run = this.queue.then(() => this.embedAll(inputs, publicName, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    const context = await this.context?.catch(() => undefined);
    await context?.dispose();
  }

  private async embedAll(
    inputs: Array<string | Token[]>,
    publicName: string,
    signal?: AbortSignal,
  ): Promise<EmbeddingResult> {
    this.context ??= this.model.createEmbeddingContext({
      contextSize: this.contextSize,
      threads: this.threads,
    });
    const context = await this.context;
    const embeddings: number[][] = [];
    let promptTokens = 0;
    for (const [index, input] of inputs.entries()) {
      signal?.throwIfAborted();
      const length = context.calculateInputLength(input);
      if (length > this.contextSize) {
        throw ContextLengthExceededError.counted(this.contextSize, length, `input[${index}]`);
      }
      promptTokens += length;
      embeddings.push([...(await context.getEmbeddingFor(input)).vector]);
    }
    return { model: publicName, embeddings, promptTokens };
  }
}
