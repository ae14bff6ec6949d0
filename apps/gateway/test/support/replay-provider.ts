import {
  GenerationCancelledError,
  type FinishReason,
  type GenerationEvent,
  type GenerationOptions,
  type GenerationRequest,
  type GenerationResult,
  type InferenceProvider,
  type ModelInfo,
  type ModelStatus,
} from '@gateway/inference';

/** What one generation does: answer with tokens, fail with an error, or never answer. */
export type Reply =
  | { kind: 'tokens'; tokens: string[]; finishReason?: FinishReason; promptTokens?: number }
  | { kind: 'error'; error: Error }
  | { kind: 'hang' };

/**
 * An in-process backend for e2e tests that bind it to INFERENCE_PROVIDER: it plays queued replies,
 * records every request it received, and honours its abort signal like a real backend. Its model
 * defaults to the configured default, so it fits a gateway started with no model settings.
 */
export class ReplayProvider implements InferenceProvider {
  readonly backendName = 'replay';
  readonly requests: GenerationRequest[] = [];
  readonly signals: AbortSignal[] = [];
  status: ModelStatus;
  private readonly replies: Reply[] = [];

  constructor(
    readonly model = 'qwen2.5:0.5b',
    private fallback: Reply = { kind: 'tokens', tokens: ['Hello', ',', ' world'] },
  ) {
    this.status = { reachable: true, present: true, loaded: true, available: [model] };
  }

  next(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  always(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    this.requests.push(request);
    const signal = options.signal ?? new AbortController().signal;
    this.signals.push(signal);
    const reply = this.replies.shift() ?? this.fallback;
    await Promise.resolve();
    if (reply.kind === 'error') {
      throw reply.error;
    }
    if (reply.kind === 'hang') {
      await new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new GenerationCancelledError('aborted')), {
          once: true,
        }),
      );
      return;
    }
    for (const text of reply.tokens) {
      yield { type: 'delta', text };
    }
    const result: GenerationResult = {
      model: request.model,
      text: '',
      finishReason: reply.finishReason ?? 'stop',
      usage: { promptTokens: reply.promptTokens ?? 4, completionTokens: reply.tokens.length },
      timings: { evalMs: reply.tokens.length },
    };
    yield { type: 'done', result };
  }

  listModels(): Promise<ModelInfo[]> {
    return Promise.resolve(this.status.available.map((name) => ({ name })));
  }

  modelStatus(): Promise<ModelStatus> {
    return Promise.resolve(this.status);
  }
}
