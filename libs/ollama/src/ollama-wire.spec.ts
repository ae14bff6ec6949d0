import type { GenerationRequest } from '@gateway/inference';
import { OllamaChunkReader } from './ollama-chunk-reader';
import { toFinishReason, toOllamaOptions } from './ollama-wire';

const REQUEST: GenerationRequest = {
  model: 'm',
  input: { kind: 'prompt', prompt: 'hi' },
  params: { maxTokens: 5 },
};
const toGenerationEvents = (_model: string, chunk: Parameters<OllamaChunkReader['read']>[0]) =>
  new OllamaChunkReader(REQUEST).read(chunk);

describe('toOllamaOptions', () => {
  it('maps every sampling parameter to Ollama option names', () => {
    expect(
      toOllamaOptions({
        maxTokens: 50,
        temperature: 0.2,
        topP: 0.8,
        seed: 7,
        stop: ['\n\n'],
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        topK: 20,
        minP: 0.05,
        repeatPenalty: 1.2,
        repeatLastN: -1,
      }),
    ).toEqual({
      num_predict: 50,
      temperature: 0.2,
      top_p: 0.8,
      seed: 7,
      stop: ['\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      top_k: 20,
      min_p: 0.05,
      repeat_penalty: 1.2,
      repeat_last_n: -1,
    });
  });

  it('adds the context length and the configured thread count when set', () => {
    expect(toOllamaOptions({ maxTokens: 5 }, 4096, { numThread: 4 })).toMatchObject({
      num_ctx: 4096,
      num_thread: 4,
    });
    expect(toOllamaOptions({ maxTokens: 5 })).not.toHaveProperty('num_thread');
    expect(toOllamaOptions({ maxTokens: 5 })).not.toHaveProperty('num_ctx');
  });

  it('drops empty stop strings and sends no stop list when nothing is left', () => {
    expect(toOllamaOptions({ maxTokens: 5, stop: ['', 'END'] }).stop).toEqual(['END']);
    expect(toOllamaOptions({ maxTokens: 5, stop: [''] })).not.toHaveProperty('stop');
  });
});

describe('toFinishReason', () => {
  it('is length only when Ollama says so', () => {
    expect(toFinishReason('length')).toBe('length');
    expect(toFinishReason('stop')).toBe('stop');
    expect(toFinishReason(undefined)).toBe('stop');
  });
});

describe('OllamaChunkReader', () => {
  it('turns a chunk with text into one delta, from either endpoint, and an empty one into nothing', () => {
    expect(toGenerationEvents('m', { response: 'Hi', done: false })).toEqual([{ type: 'delta', text: 'Hi' }]);
    expect(toGenerationEvents('m', { message: { role: 'assistant', content: 'Yo' }, done: false })).toEqual([
      { type: 'delta', text: 'Yo' },
    ]);
    expect(toGenerationEvents('m', { response: '', done: false })).toEqual([]);
  });

  it('ends with done on the final chunk, after its text if it carries any', () => {
    const events = toGenerationEvents('m', {
      model: 'm:latest',
      response: '!',
      done: true,
      done_reason: 'length',
      prompt_eval_count: 3,
      eval_count: 2,
    });
    expect(events).toEqual([
      { type: 'delta', text: '!' },
      {
        type: 'done',
        result: {
          model: 'm:latest',
          text: '',
          finishReason: 'length',
          usage: { promptTokens: 3, completionTokens: 2 },
          timings: { loadMs: undefined, promptEvalMs: undefined, evalMs: undefined },
        },
      },
    ]);
  });
});
