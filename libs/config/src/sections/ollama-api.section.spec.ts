import { loadConfig } from '../load-config';

describe('OLLAMA_API', () => {
  it('is on by default', () => {
    expect(loadConfig({}).ollamaApi).toEqual({ enabled: true });
  });

  it('turns off with "off"', () => {
    expect(loadConfig({ OLLAMA_API: 'off' }).ollamaApi).toEqual({ enabled: false });
  });

  it('rejects anything else, naming the key', () => {
    expect(() => loadConfig({ OLLAMA_API: 'maybe' })).toThrow(/OLLAMA_API="maybe"/);
  });
});
