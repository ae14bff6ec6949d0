import type { GenerationRequest } from '@gateway/inference';
import { OllamaChunkReader } from './ollama-chunk-reader';
import { buildOllamaRequest } from './ollama-request-body';

const tool = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};
const request = (extra: Partial<GenerationRequest> = {}): GenerationRequest => ({
  model: 'qwen2.5:0.5b',
  input: { kind: 'chat', messages: [{ role: 'user', content: 'Weather?' }] },
  params: { maxTokens: 64 },
  ...extra,
});
const forced = request({ tools: { definitions: [tool], choice: { type: 'required' }, parallel: true } });

describe('Ollama chunks as generation events', () => {
  it('gives Ollama tool calls ids and JSON-text arguments, and finishes with tool_calls', () => {
    const reader = new OllamaChunkReader(
      request({ tools: { definitions: [tool], choice: { type: 'auto' }, parallel: true } }),
    );
    const events = [
      ...reader.read({
        message: {
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
        },
      }),
      ...reader.read({ done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 4 }),
    ];
    expect(events[0]).toEqual({
      type: 'tool_call',
      call: {
        id: expect.stringMatching(/^call_/) as string,
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
      },
    });
    expect(events[1]).toMatchObject({ type: 'done', result: { finishReason: 'tool_calls' } });
  });

  it('holds back a forced call and answers the JSON it wrote as that call', () => {
    const reader = new OllamaChunkReader(forced);
    expect(reader.read({ message: { content: '{"name":"get_weather",' } })).toEqual([]);
    expect(reader.read({ message: { content: '"arguments":{"city":"Rome"}}' } })).toEqual([]);
    const events = reader.read({ done: true, done_reason: 'stop' });
    expect(events.map((event) => event.type)).toEqual(['tool_call', 'done']);
  });

  it('reports a forced call cut by the token limit as the text it is, with finish_reason length', () => {
    const reader = new OllamaChunkReader(forced);
    reader.read({ message: { content: '{"name":"get_we' } });
    expect(reader.read({ done: true, done_reason: 'length' })).toEqual([
      { type: 'delta', text: '{"name":"get_we' },
      expect.objectContaining({ type: 'done', result: expect.objectContaining({ finishReason: 'length' }) }),
    ]);
  });
});

describe('the Ollama request body', () => {
  it('sends num_ctx and bounds num_predict by the estimated room left in the context', () => {
    const built = buildOllamaRequest({ ...request({ params: { maxTokens: 8192 } }), contextLength: 1024 });
    // "Weather?" is 8 characters: an estimated 2 tokens.
    expect(built.body.options).toMatchObject({ num_ctx: 1024, num_predict: 1022, temperature: 1 });
  });

  it('refuses a forced call combined with a response format', () => {
    expect(() => buildOllamaRequest({ ...forced, params: { maxTokens: 5, format: 'json' } })).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter', param: 'response_format' }),
    );
  });
});
