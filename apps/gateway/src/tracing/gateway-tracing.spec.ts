import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../../../..');

interface Loaded {
  /** The @opentelemetry packages in Node's module cache once the provider has run. */
  packages: string[];
  /** Whether a traced route got a trace. */
  traced: boolean;
}

/**
 * Runs the tracing provider in a fresh Node process (Jest's own module registry would hide what Node
 * loads) with the gateway configured by `env`, and reports what it loaded and whether it traced.
 */
async function provide(env: Record<string, string>): Promise<Loaded> {
  const script = `
    const { loadConfig } = require('@gateway/config');
    const { gatewayTracingProvider } = require(${JSON.stringify(join(__dirname, 'gateway-tracing'))});
    void (async () => {
      const tracing = await gatewayTracingProvider.useFactory(loadConfig(${JSON.stringify(env)}));
      const trace = tracing.start({ method: 'POST', url: '/v1/generate', headers: {} }, 'req-1', performance.now());
      const packages = new Set();
      for (const file of Object.keys(require.cache)) {
        const name = /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(file);
        if (name) packages.add(name[1]);
      }
      trace?.end(200, 'ok', { route: '/v1/generate' });
      await tracing.onApplicationShutdown?.();
      process.stdout.write('\\n' + JSON.stringify({ packages: [...packages].sort(), traced: trace !== undefined }));
    })();
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error' } },
  );
  // The last line: Nest's logger may have written before it.
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Loaded;
}

describe('gatewayTracingProvider', () => {
  it('with tracing off, traces nothing and loads none of the OpenTelemetry SDK', async () => {
    const loaded = await provide({ INFERENCE_BACKEND: 'ollama' });

    expect(loaded.traced).toBe(false);
    expect(loaded.packages).not.toContain('@opentelemetry/sdk-trace-base');
    expect(loaded.packages).not.toContain('@opentelemetry/exporter-trace-otlp-http');
    expect(loaded.packages).not.toContain('@opentelemetry/core');
  }, 30_000);

  it('with an OTLP endpoint, loads the SDK and traces a request', async () => {
    const loaded = await provide({
      INFERENCE_BACKEND: 'ollama',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_TRACES_SAMPLER: 'always_off',
    });

    expect(loaded.traced).toBe(true);
    expect(loaded.packages).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']),
    );
  }, 30_000);
});
