import { ConfigValidationError, loadConfig } from '../load-config';

describe('routing configuration', () => {
  it('uses OLLAMA_HOST as the only endpoint when OLLAMA_HOSTS is unset', () => {
    const config = loadConfig({ OLLAMA_HOST: 'ollama' });
    expect(config.routing.ollamaHosts).toEqual(['http://ollama:11434']);
  });

  it('normalises every OLLAMA_HOSTS entry and prefers the list over OLLAMA_HOST', () => {
    const config = loadConfig({
      OLLAMA_HOST: 'http://ignored:11434',
      OLLAMA_HOSTS: 'ollama-0.ollama-headless, http://ollama-1.ollama-headless:11434/',
    });
    expect(config.routing.ollamaHosts).toEqual([
      'http://ollama-0.ollama-headless:11434',
      'http://ollama-1.ollama-headless:11434',
    ]);
  });

  it('reports bad, duplicated and empty endpoint lists without echoing credentials', () => {
    const attempt = (hosts: string) => () => loadConfig({ OLLAMA_HOSTS: hosts });
    expect(attempt('a:11434,a')).toThrow(/listed twice/);
    expect(attempt(',')).toThrow(/at least one endpoint/);
    let error: unknown;
    try {
      loadConfig({ OLLAMA_HOSTS: 'http://user:hunter2@ollama' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toMatch(/OLLAMA_HOSTS/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('has shedding defaults and rejects nonsense limits', () => {
    expect(loadConfig({}).routing).toMatchObject({ maxInflight: 2, maxQueue: 16, maxQueueWaitMs: 10_000 });
    expect(() => loadConfig({ MAX_INFLIGHT: '0' })).toThrow(/MAX_INFLIGHT/);
    expect(() => loadConfig({ MAX_QUEUE: 'many' })).toThrow(/MAX_QUEUE/);
  });

  it('numbers a bad OLLAMA_HOSTS entry by its place in the list, duplicates included', () => {
    expect(() =>
      loadConfig({ OLLAMA_HOSTS: 'a:11434,a:11434,ftp://b', INFERENCE_BACKEND: 'ollama' }),
    ).toThrow(/OLLAMA_HOSTS: entry 3: unsupported scheme/);
  });
});
