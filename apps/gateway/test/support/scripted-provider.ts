import type {
  GenerationEvent,
  GenerationRequest,
  GenerationResult,
  InferenceProvider,
  ModelStatus,
} from '@gateway/inference';

export interface ScriptedAnswer {
  tokens: string[];
  promptTokens: number;
}

/**
 * An in-process backend that answers every generation with the same tokens and usage, for tests
 * about what happens in front of the backend (auth, limits, hardening).
 */
export class ScriptedProvider implements InferenceProvider {
  readonly backendName = 'scripted';
  readonly requests: GenerationRequest[] = [];

  constructor(public answer: ScriptedAnswer = { tokens: ['Hello', ' there'], promptTokens: 5 }) {}

  async *stream(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    this.requests.push(request);
    const { tokens, promptTokens } = this.answer;
    for (const text of tokens) {
      await Promise.resolve();
      yield { type: 'delta', text };
    }
    const result: GenerationResult = {
      model: request.model,
      text: tokens.join(''),
      finishReason: 'stop',
      usage: { promptTokens, completionTokens: tokens.length },
      timings: {},
    };
    yield { type: 'done', result };
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    let result: GenerationResult | undefined;
    for await (const event of this.stream(request)) {
      if (event.type === 'done') {
        result = event.result;
      }
    }
    return result as GenerationResult;
  }

  listModels(): Promise<Array<{ name: string }>> {
    return Promise.resolve([{ name: 'qwen2.5:0.5b' }]);
  }

  modelStatus(): Promise<ModelStatus> {
    return Promise.resolve({ reachable: true, present: true, loaded: true, available: ['qwen2.5:0.5b'] });
  }
}
