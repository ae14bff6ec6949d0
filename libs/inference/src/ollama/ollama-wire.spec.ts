import { toFinishReason, toOllamaOptions } from './ollama-wire';

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
      }),
    ).toEqual({
      num_predict: 50,
      temperature: 0.2,
      top_p: 0.8,
      seed: 7,
      stop: ['\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
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
