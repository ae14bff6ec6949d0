import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');
/** Compiling main.ts and its imports on the fly takes a few seconds on a busy machine. */
const PROCESS_TIMEOUT_MS = 25_000;

/** A free (closed) port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface GatewayProcess {
  child: ChildProcess;
  output: () => string;
}

/** Runs main.ts from source as its own process, as `npm start` runs the build. */
function startMain(env: Record<string, string>): GatewayProcess {
  let output = '';
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/gateway/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop({ child }: GatewayProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

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
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = startMain({
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    await until('/health', async () => ((await fetch(`${base}/health`)).ok ? true : undefined), gateway);
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    if (gateway) {
      await stop(gateway);
    }
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
      const gateway = startMain({ INFERENCE_BACKEND: 'ollama', PORT: 'abc', LOG_LEVEL: 'loud' });
      try {
        const [code] = (await once(gateway.child, 'exit')) as [number | null];
        const output = gateway.output();
        expect(code).not.toBe(0);
        expect(output.match(/Invalid configuration/g)).toHaveLength(1);
        expect(output).toMatch(/PORT="abc"/);
        expect(output).toMatch(/LOG_LEVEL="loud"/);
        expect(output).not.toMatch(/\n\s+at /);
      } finally {
        await stop(gateway);
      }
    },
    PROCESS_TIMEOUT_MS,
  );
});
