import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { getMetadataStorage, IsIn } from 'class-validator';

import { acceptedEnvKeys, ConfigValidationError, loadConfig } from './load-config';
import { parseSection, type RawEnv } from './parse-section';
import { TEST_MODEL_NAME } from './sections/inference.section';

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problemsOf(env: RawEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
}

function expectRejected(env: RawEnv, key: string): string {
  const problems = problemsOf(env);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(new RegExp(`^${key}\\b`));
  return problems[0];
}

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.server).toEqual({
      nodeEnv: 'development',
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'info',
      bodyLimitBytes: 1024 * 1024,
      drainTimeoutMs: 25_000,
      openApiEnabled: true,
    });
    expect(config.inference).toMatchObject({
      backend: 'embedded',
      backendDefaulted: true,
      ollamaHost: 'http://127.0.0.1:11434',
      modelName: TEST_MODEL_NAME,
    });
    expect(config.timeouts).toEqual({
      firstTokenMs: 300_000,
      idleMs: 60_000,
      totalMs: 0,
      heartbeatIntervalMs: 15_000,
      readinessCacheMs: 2_000,
      healthCheckMs: 2_000,
    });
  });

  it('reads well-formed values, trimming surrounding blanks', () => {
    const config = loadConfig({
      PORT: ' 9000 ',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'test',
      INFERENCE_BACKEND: 'ollama',
      MODEL_NAME: 'llama3',
      REQUEST_TIMEOUT_MS: '120000',
    });
    expect(config.server).toMatchObject({ port: 9000, logLevel: 'debug', nodeEnv: 'test' });
    expect(config.inference).toMatchObject({
      backend: 'ollama',
      backendDefaulted: false,
      modelName: 'llama3',
    });
    expect(config.timeouts.totalMs).toBe(120_000);
  });

  it.each([
    ['PORT', ''],
    ['PORT', '   '],
    ['LOG_LEVEL', ''],
    ['OLLAMA_HOST', ''],
    ['MODEL_NAME', ''],
  ])('treats an empty %s (%j) as unset', (key, value) => {
    const defaults = loadConfig({ INFERENCE_BACKEND: 'ollama' });
    expect(loadConfig({ INFERENCE_BACKEND: 'ollama', [key]: value })).toEqual(defaults);
  });

  describe('rejects', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '80.5'],
      ['PORT', '8080abc'],
      ['PORT', '0x1F90'],
      ['BODY_LIMIT_BYTES', '1e6'],
      ['IDLE_TIMEOUT_MS', 'sixty'],
      ['EMBEDDED_THREADS', '1.5'],
    ])('a non-integer %s=%j', (key, value) => {
      expect(expectRejected({ [key]: value }, key)).toContain(`"${value}"`);
    });

    it.each([
      ['PORT', '0'],
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['BODY_LIMIT_BYTES', '1023'],
      ['DRAIN_TIMEOUT_MS', '-1'],
      ['FIRST_TOKEN_TIMEOUT_MS', '0'],
      ['IDLE_TIMEOUT_MS', '3600001'],
      ['REQUEST_TIMEOUT_MS', '-5'],
      ['HEARTBEAT_INTERVAL_MS', '99'],
      ['READINESS_CACHE_MS', '60001'],
      ['HEALTH_CHECK_TIMEOUT_MS', '49'],
      ['EMBEDDED_THREADS', '0'],
      ['EMBEDDED_CONTEXT_SIZE', '32'],
      ['EMBEDDED_PARALLEL', '65'],
    ])('an out-of-range %s=%j', (key, value) => {
      expectRejected({ [key]: value }, key);
    });

    it.each([
      ['LOG_LEVEL', 'loud'],
      ['LOG_LEVEL', 'INFO'],
      ['NODE_ENV', 'staging'],
      ['INFERENCE_BACKEND', 'vllm'],
    ])('a value outside the allowed set: %s=%j', (key, value) => {
      expectRejected({ [key]: value }, key);
    });

    it.each(['ftp://ollama:11434', 'unix:///run/ollama.sock'])('OLLAMA_HOST with scheme %j', (host) => {
      expect(expectRejected({ OLLAMA_HOST: host }, 'OLLAMA_HOST')).toContain('scheme');
    });

    it('OLLAMA_HOST with credentials, without repeating them', () => {
      const problem = expectRejected({ OLLAMA_HOST: 'http://admin:hunter2@ollama:11434' }, 'OLLAMA_HOST');
      expect(problem).toContain('credentials');
      expect(problem).not.toContain('hunter2');
    });

    it('a missing INFERENCE_BACKEND in production, and only in production', () => {
      const aboutBackend = (env: RawEnv) => problemsOf(env).filter((p) => p.startsWith('INFERENCE_BACKEND'));
      expect(aboutBackend({ NODE_ENV: 'production' })).toEqual([
        expect.stringContaining('must be set explicitly'),
      ]);
      expect(aboutBackend({ NODE_ENV: 'production', INFERENCE_BACKEND: 'ollama' })).toEqual([]);
      expect(aboutBackend({ NODE_ENV: 'development' })).toEqual([]);
    });
  });

  it('lists every bad key in one error', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      IDLE_TIMEOUT_MS: '-5',
      OLLAMA_HOST: 'ftp://x',
      INFERENCE_BACKEND: 'vllm',
    });
    const keys = problems.map((problem) => /^[A-Z_]+/.exec(problem)?.[0]).sort();
    expect(keys).toEqual(['IDLE_TIMEOUT_MS', 'INFERENCE_BACKEND', 'LOG_LEVEL', 'OLLAMA_HOST', 'PORT']);
    expect(() => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(
      /Invalid configuration:\n {2}- PORT="abc": .*\n {2}- LOG_LEVEL="loud": /,
    );
  });

  describe('OLLAMA_HOST', () => {
    it.each([
      ['ollama', 'http://ollama:11434'],
      ['http://ollama-service', 'http://ollama-service:11434'],
      ['https://ollama.internal', 'https://ollama.internal:11434'],
      ['ollama:8000', 'http://ollama:8000'],
    ])('%j becomes %j (a missing port means 11434, not 80/443)', (raw, expected) => {
      expect(loadConfig({ OLLAMA_HOST: raw }).inference.ollamaHost).toBe(expected);
    });
  });

  describe('MODEL_NAME', () => {
    it('defaults to a small Ollama model on the ollama backend', () => {
      expect(loadConfig({ INFERENCE_BACKEND: 'ollama' }).inference.modelName).toBe('qwen2.5:0.5b');
    });

    it("defaults to the GGUF file's name on the embedded backend", () => {
      const config = loadConfig({
        INFERENCE_BACKEND: 'embedded',
        MODEL_PATH: '/models/Phi-3-mini.Q4_K_M.gguf',
      });
      expect(config.inference.modelName).toBe('Phi-3-mini.Q4_K_M');
    });

    it('defaults to the generated test model on the embedded backend without a file', () => {
      expect(loadConfig({ INFERENCE_BACKEND: 'embedded' }).inference.modelName).toBe(TEST_MODEL_NAME);
    });

    it('is taken as given when set', () => {
      expect(loadConfig({ INFERENCE_BACKEND: 'ollama', MODEL_NAME: 'llama3:8b' }).inference.modelName).toBe(
        'llama3:8b',
      );
    });
  });
});

describe('secrets in validation messages', () => {
  class SecretEnv {
    @IsIn(['a', 'b'])
    SERVICE_TOKEN = 'a';

    @IsIn(['a', 'b'])
    DB_PASSWORD = 'a';

    @IsIn(['a', 'b'])
    REDIS_URL = 'a';

    @IsIn(['a', 'b'])
    PLAIN = 'a';
  }

  it('names the key but never repeats a value that may hold a credential', () => {
    const problems: string[] = [];
    parseSection(
      SecretEnv,
      { SERVICE_TOKEN: 'tok-123', DB_PASSWORD: 'pw-456', REDIS_URL: 'redis://:pw-789@r', PLAIN: 'shown' },
      problems,
    );
    const text = problems.join('\n');
    expect(problems).toHaveLength(4);
    expect(text).toContain('SERVICE_TOKEN="<redacted>"');
    expect(text).toContain('DB_PASSWORD="<redacted>"');
    expect(text).toContain('REDIS_URL="<redacted>"');
    expect(text).toContain('PLAIN="shown"');
    for (const secret of ['tok-123', 'pw-456', 'pw-789']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('acceptedEnvKeys', () => {
  /** Every property carrying a class-validator rule in every exported class of env/*.env.ts. */
  function declaredSchemaKeys(): string[] {
    const dir = join(__dirname, 'env');
    const keys = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.env.ts'))) {
      const exported = jest.requireActual<Record<string, unknown>>(join(dir, file));
      for (const value of Object.values(exported)) {
        if (typeof value !== 'function') {
          continue;
        }
        getMetadataStorage()
          .getTargetValidationMetadatas(value, '', true, false)
          .forEach((meta) => keys.add(meta.propertyName));
      }
    }
    return [...keys].sort();
  }

  it('lists every key of every env schema, optional ones without defaults included', () => {
    const declared = declaredSchemaKeys();
    expect(declared).toEqual(
      expect.arrayContaining(['PORT', 'OLLAMA_HOST', 'INFERENCE_BACKEND', 'MODEL_PATH']),
    );
    expect(acceptedEnvKeys()).toEqual(expect.arrayContaining(declared));
  });

  it('lists only upper-case environment names, once each, sorted', () => {
    const keys = acceptedEnvKeys();
    expect(keys.every((key) => /^[A-Z][A-Z0-9_]*$/.test(key))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
  });
});
