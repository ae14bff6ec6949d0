import type {
  GenerationEvent,
  GenerationRequest,
  GenerationResult,
  InferenceProvider,
  ModelStatus,
} from '@gateway/inference';

/**
 * A scripted backend at the provider seam that plays a tool-using model: offered tools and no tool result
 * yet, it calls the first tool with `args`; given tool results, it answers with text that quotes them.
 * It records every request, so tests see what a dialect made of the client's tools and results.
 */
export class ToolCallingProvider implements InferenceProvider {
  readonly backendName = 'scripted-tools';
  readonly requests: GenerationRequest[] = [];

  constructor(
    readonly model: string,
    private readonly args = '{"city":"Paris"}',
  ) {}

  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream(request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    this.requests.push(request);
    const messages = request.input.kind === 'chat' ? request.input.messages : [];
    const results = messages.filter((message) => message.role === 'tool');
    const tool = request.tools?.definitions[0];
    const done = (finishReason: GenerationResult['finishReason'], completionTokens: number) => ({
      type: 'done' as const,
      result: {
        model: request.model,
        text: '',
        finishReason,
        usage: { promptTokens: 9, completionTokens },
        timings: {},
      },
    });
    if (tool && results.length === 0 && request.tools?.choice.type !== 'none') {
      yield { type: 'tool_call', call: { id: 'call_1', name: tool.name, arguments: this.args } };
      yield done('tool_calls', 5);
      return;
    }
    const text =
      results.length > 0 ? `The tool said: ${results.map((r) => r.content).join(', ')}` : 'No tools.';
    yield { type: 'delta', text };
    yield done('stop', 3);
  }

  listModels(): Promise<[]> {
    return Promise.resolve([]);
  }

  modelStatus(): Promise<ModelStatus> {
    return Promise.resolve({ reachable: true, present: true, loaded: true, available: [this.model] });
  }
}
