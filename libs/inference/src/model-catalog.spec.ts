import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigValidationError, loadConfig, type RawEnv } from '@gateway/config';

import { UnknownModelError } from './inference.errors';
import { ModelCatalog } from './model-catalog';

const dir = mkdtempSync(join(tmpdir(), 'model-table-'));
const HOSTS = 'http://ollama-0:11434,http://ollama-1:11434';

function catalogFrom(name: string, content: string, env: RawEnv = {}): ModelCatalog {
  const path = join(dir, name);
  writeFileSync(path, content);
  return new ModelCatalog(
    loadConfig({ INFERENCE_BACKEND: 'ollama', OLLAMA_HOSTS: HOSTS, MODELS_FILE: path, ...env }),
  );
}

function problemsOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the model table to be rejected');
}

describe('ModelCatalog', () => {
  it('serves MODEL_NAME alone, on every endpoint, without a model table', () => {
    const catalog = new ModelCatalog(loadConfig({ INFERENCE_BACKEND: 'ollama', MODEL_NAME: 'llama3' }));
    expect(catalog.resolve()).toMatchObject({ id: 'llama3', backendModel: 'llama3' });
    expect(catalog.resolve('llama3:latest').backendModel).toBe('llama3');
    expect(catalog.endpointsFor('llama3')).toBeUndefined();
  });

  it('loads a YAML table with aliases and per-model endpoints', () => {
    const catalog = catalogFrom(
      'models.yaml',
      [
        'models:',
        '  - id: chat',
        '    backendModel: qwen2.5:0.5b',
        '    aliases: [gpt-4o-mini]',
        '    endpoints: [ollama-1]',
        '  - id: coder',
        '    backendModel: qwen2.5-coder:1.5b',
      ].join('\n'),
    );
    expect(catalog.resolve().id).toBe('chat');
    expect(catalog.resolve('gpt-4o-mini').backendModel).toBe('qwen2.5:0.5b');
    expect(catalog.endpointsFor('qwen2.5:0.5b')).toEqual(['http://ollama-1:11434']);
    expect(catalog.endpointsFor('qwen2.5-coder:1.5b')).toBeUndefined();
    expect(catalog.list().map((entry) => entry.id)).toEqual(['chat', 'coder']);
  });

  it('routes a backend model shared by several entries to the union of their endpoints', () => {
    const entry = (id: string, endpoints?: string) =>
      `  - id: ${id}\n    backendModel: qwen2.5:0.5b\n` +
      (endpoints ? `    endpoints: [${endpoints}]\n` : '');
    const pinned = catalogFrom('shared.yaml', `models:\n${entry('a', 'ollama-0')}${entry('b', 'ollama-1')}`);
    expect(pinned.endpointsFor('qwen2.5:0.5b')).toEqual(['http://ollama-0:11434', 'http://ollama-1:11434']);
    // An entry without endpoints serves the model everywhere, whatever the others say.
    const open = catalogFrom('shared-open.yaml', `models:\n${entry('a', 'ollama-0')}${entry('b')}`);
    expect(open.endpointsFor('qwen2.5:0.5b')).toBeUndefined();
    expect(open.endpointsFor('not-in-the-table')).toBeUndefined();
  });

  it('loads a JSON table', () => {
    const catalog = catalogFrom('models.json', JSON.stringify({ models: [{ id: 'a', backendModel: 'b' }] }));
    expect(catalog.resolve('a').backendModel).toBe('b');
  });

  it('rejects names that are not in the table, whatever they look like', () => {
    const catalog = catalogFrom('plain.yaml', 'models:\n  - id: chat\n    backendModel: qwen2.5:0.5b\n');
    for (const name of ['qwen2.5:0.5b', '../api/pull', 'http://evil.example/x', 'chat/../../api/delete']) {
      expect(() => catalog.resolve(name)).toThrow(UnknownModelError);
    }
  });

  it('lists every problem of a bad table at once', () => {
    const message = problemsOf(() =>
      catalogFrom(
        'bad.yaml',
        [
          'models:',
          '  - id: chat',
          '    backendModel: ""',
          '    endpoints: [http://evil.example:11434]',
          '    weight: 3',
          '  - id: other',
          '    backendModel: m',
          '    aliases: [chat]',
          '  - id: "../x"',
          '    backendModel: m',
        ].join('\n'),
      ),
    );
    expect(message).toContain('models[0].backendModel: must be a non-empty string');
    expect(message).toContain('http://evil.example:11434 is not one of the configured OLLAMA_HOSTS');
    expect(message).toContain("models[0]: unknown key 'weight'");
    expect(message).toContain("'chat' is already a name of 'chat'");
    expect(message).toContain('models[2].id');
  });

  it('stops start-up with a clear message when the file is missing or empty', () => {
    expect(problemsOf(() => catalogFrom('empty.yaml', 'models: []'))).toMatch(/non-empty `models` list/);
    const missing = join(dir, 'absent.yaml');
    expect(
      problemsOf(() => new ModelCatalog(loadConfig({ INFERENCE_BACKEND: 'ollama', MODELS_FILE: missing }))),
    ).toMatch(/MODELS_FILE: cannot read/);
  });

  it('refuses per-model endpoints on the embedded engine', () => {
    const message = problemsOf(() =>
      catalogFrom('embedded.yaml', 'models:\n  - id: a\n    backendModel: a\n    endpoints: [ollama-0]\n', {
        INFERENCE_BACKEND: 'embedded',
      }),
    );
    expect(message).toMatch(/endpoints apply to the Ollama backend only/);
  });

  it('reads contextLength and embeddings per row; MODEL_CONTEXT_LENGTH fills rows without a context', () => {
    const catalog = catalogFrom(
      'context.yaml',
      [
        'models:',
        '  - id: small',
        '    backendModel: qwen2.5:0.5b',
        '    contextLength: 4096',
        '  - id: embed',
        '    backendModel: nomic-embed-text',
        '    embeddings: true',
      ].join('\n'),
      { MODEL_CONTEXT_LENGTH: '8192' },
    );
    expect(catalog.resolve('small')).toMatchObject({ contextLength: 4096 });
    expect(catalog.resolve('embed')).toMatchObject({ contextLength: 8192, embeddings: true });
    expect(catalog.resolve('small').embeddings).toBeUndefined();
    const single = new ModelCatalog(
      loadConfig({ INFERENCE_BACKEND: 'ollama', MODEL_NAME: 'llama3', MODEL_CONTEXT_LENGTH: '2048' }),
    );
    expect(single.resolve().contextLength).toBe(2048);
  });

  it('rejects a context length that is not a whole number of tokens in range, and a non-boolean embeddings', () => {
    const problems = problemsOf(() =>
      catalogFrom(
        'bad-context.yaml',
        [
          'models:',
          '  - id: a',
          '    backendModel: a',
          '    contextLength: 100',
          '  - id: b',
          '    backendModel: b',
          '    contextLength: "4k"',
          '    embeddings: yes-please',
        ].join('\n'),
      ),
    );
    expect(problems).toContain('models[0].contextLength: must be a whole number of tokens from 256');
    expect(problems).toContain('models[1].contextLength');
    expect(problems).toContain('models[1].embeddings: must be true or false');
  });
});
