import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { freePort } from '../../../../test/fixtures/free-port';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const MAIN = join(REPO_ROOT, 'apps/gateway/src/main.ts');

/**
 * The gateway as its own process, exactly as `main.ts` starts it: from the sources by default (no build
 * step), or from a built entry point. The embedded engine (ESM-only node-llama-cpp, loaded with a real
 * dynamic import) cannot run inside Jest's CommonJS VM, and a drain needs a real SIGTERM.
 */
export interface GatewayProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if the process has not exited 10 s later; resolves once it has. */
  stop: () => Promise<void>;
}

export interface SpawnOptions {
  /** Node arguments before the entry point (e.g. `--import` hooks). */
  nodeArgs?: string[];
  /** A built JavaScript entry point (e.g. dist/apps/gateway/src/main.js) run as is instead of the sources. */
  entry?: string;
}

/**
 * Spawns the gateway without waiting for it. The child's whole environment is PATH, HOST=127.0.0.1,
 * PORT=<a free port>, LOG_LEVEL=warn and then `env` (which may override them): nothing leaks in from ours.
 */
export async function spawnGateway(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<GatewayProcess> {
  const { nodeArgs = [], entry } = options;
  const port = await freePort();
  const args = entry
    ? [...nodeArgs, entry]
    : // Required from -e rather than run as the entry, so that --import hooks do not route it through the ESM loader.
      [
        ...nodeArgs,
        '-r',
        'ts-node/register',
        '-r',
        'tsconfig-paths/register',
        '-e',
        `require(${JSON.stringify(MAIN)})`,
      ];
  const fromSource = entry
    ? {}
    : { TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') };
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...fromSource,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { baseUrl: `http://127.0.0.1:${port}`, child, output: () => output, exited, stop };
}

/**
 * Resolves once /health answers; rejects if the process exits first, or after `timeoutMs` (then it is
 * killed).
 */
export async function waitForHealth(gateway: GatewayProcess, timeoutMs = 40_000): Promise<void> {
  const { child } = gateway;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gateway exited with ${child.exitCode ?? child.signalCode}:\n${gateway.output()}`);
    }
    const up = await fetch(`${gateway.baseUrl}/health`).then(
      (res) => res.ok,
      () => false, // not listening yet
    );
    if (up) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`gateway did not answer /health in ${timeoutMs} ms:\n${gateway.output()}`);
}

/** Spawns the gateway (see `spawnGateway`) and waits until it answers /health. */
export async function startGatewayProcess(
  env: Record<string, string>,
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<GatewayProcess> {
  const gateway = await spawnGateway(env, options);
  await waitForHealth(gateway, options.timeoutMs);
  return gateway;
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
