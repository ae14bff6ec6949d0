import { freePort } from '../../../test/fixtures/free-port';
import { spawnGateway, waitForHealth, type GatewayProcess } from './support/gateway-process';

/** Compiling main.ts and its imports on the fly takes a few seconds on a busy machine. */
const PROCESS_TIMEOUT_MS = 25_000;

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  gateway: GatewayProcess,
): Promise<T> {
  const deadline = Date.now() + PROCESS_TIMEOUT_MS - 5_000;
  while (Date.now() < deadline) {
    if (gateway.child.exitCode !== null) {
      throw new Error(`the gateway exited (${gateway.child.exitCode}) before ${what}:\n${gateway.output()}`);
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}:\n${gateway.output()}`);
}

describe('the gateway process with nothing listening at OLLAMA_HOST', () => {
  let gateway: GatewayProcess;
  let base: string;

  beforeAll(async () => {
    gateway = await spawnGateway({
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'info',
    });
    base = gateway.baseUrl;
    await waitForHealth(gateway, PROCESS_TIMEOUT_MS - 5_000);
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await gateway?.stop();
  }, PROCESS_TIMEOUT_MS);

  it('starts and answers /health 200', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers /ready 503', async () => {
    const res = await fetch(`${base}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { inference: { reason: 'inference backend unreachable' } },
    });
  });

  it('answers /v1/generate 503 with a clear message', async () => {
    const res = await fetch(`${base}/v1/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        prompt: 'Explain Kubernetes in simple terms:',
        max_tokens: 150,
        temperature: 0.7,
      }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'upstream_unavailable', message: 'the inference backend is unreachable' },
    });
  });

  it('logs a warning that the backend is unreachable', async () => {
    const line = await until(
      'the start-up warning',
      () =>
        Promise.resolve(
          gateway
            .output()
            .split('\n')
            .find((l) => l.includes('inference backend not reachable at start-up')),
        ),
      gateway,
    );
    expect(JSON.parse(line)).toMatchObject({ level: 40 });
  });
});

describe('the gateway process with a bad environment', () => {
  it(
    'exits non-zero with one message naming every bad key',
    async () => {
      const gateway = await spawnGateway({ INFERENCE_BACKEND: 'ollama', PORT: 'abc', LOG_LEVEL: 'loud' });
      try {
        const code = await gateway.exited;
        const output = gateway.output();
        expect(code).not.toBe(0);
        expect(output.match(/Invalid configuration/g)).toHaveLength(1);
        expect(output).toMatch(/PORT="abc"/);
        expect(output).toMatch(/LOG_LEVEL="loud"/);
        expect(output).not.toMatch(/\n\s+at /);
      } finally {
        await gateway.stop();
      }
    },
    PROCESS_TIMEOUT_MS,
  );
});
