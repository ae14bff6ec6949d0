import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const MAIN = join(REPO_ROOT, 'apps/gateway/src/main.ts');

/**
 * The gateway run from source as its own process, exactly as `main.ts` starts it. The embedded engine
 * (ESM-only node-llama-cpp, loaded with a real dynamic import) cannot run inside Jest's CommonJS VM.
 */
export interface SourceGateway {
  baseUrl: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Spawns the gateway; `nodeArgs` go before the entry point (e.g. `--import` hooks). */
export async function spawnGateway(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<SourceGateway> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    // Required from -e rather than run as the entry, so that --import hooks do not route it through the ESM loader.
    [
      ...nodeArgs,
      '-r',
      'ts-node/register',
      '-r',
      'tsconfig-paths/register',
      '-e',
      `require(${JSON.stringify(MAIN)})`,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'),
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { baseUrl: `http://127.0.0.1:${port}`, process: child, output: () => output, stop };
}

/** Resolves once /health answers; rejects if the process exits first or after `timeoutMs`. */
export async function waitForHealth(gateway: SourceGateway, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gateway.process.exitCode !== null) {
      throw new Error(`gateway exited with ${gateway.process.exitCode}:\n${gateway.output()}`);
    }
    try {
      if ((await fetch(`${gateway.baseUrl}/health`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gateway did not answer /health in ${timeoutMs} ms:\n${gateway.output()}`);
}

export async function postJson<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  return { status: res.status, body: (await res.json()) as T };
}
