import { normaliseOllamaHost } from './ollama-host';

describe('normaliseOllamaHost', () => {
  it.each([
    ['ollama', 'http://ollama:11434'],
    ['ollama:1234', 'http://ollama:1234'],
    ['http://ollama-service', 'http://ollama-service:11434'],
    ['https://ollama.example.com', 'https://ollama.example.com:11434'],
    ['http://10.0.0.5:8000/', 'http://10.0.0.5:8000'],
    ['  127.0.0.1  ', 'http://127.0.0.1:11434'],
    ['[::1]', 'http://[::1]:11434'],
    ['http://proxy:8080/ollama/', 'http://proxy:8080/ollama'],
  ])('turns %j into %j', (raw, expected) => {
    expect(normaliseOllamaHost(raw)).toBe(expected);
  });

  it.each([
    ['http://ollama:80', 'http://ollama:80'],
    ['https://ollama:443/', 'https://ollama:443'],
    ['ollama:80', 'http://ollama:80'],
  ])('keeps an explicit default port in %j rather than replacing it with 11434', (raw, expected) => {
    expect(normaliseOllamaHost(raw)).toBe(expected);
  });

  it.each(['ftp://ollama:11434', 'file:///var/run/ollama.sock', 'ws://ollama:11434'])(
    'rejects the scheme of %j',
    (raw) => {
      expect(() => normaliseOllamaHost(raw)).toThrow(/unsupported scheme/);
    },
  );

  it.each([
    'http://admin:hunter2@ollama:11434',
    'http://token@ollama',
    'http://ollama:11434/?key=hunter2',
    'http://ollama:11434/#frag',
  ])('rejects credentials, queries and fragments in %j without echoing them', (raw) => {
    expect(() => normaliseOllamaHost(raw)).toThrow(/must not carry credentials/);
    try {
      normaliseOllamaHost(raw);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('rejects something that is not a URL at all', () => {
    expect(() => normaliseOllamaHost('http://[not-a-host')).toThrow();
  });
});
