import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { readRepoFile, REPO_ROOT } from './render';

/** The entry point the image runs: the last element of the Dockerfile's exec-form CMD. */
export function dockerfileEntry(): string {
  const cmd = /^CMD \[(.*)\]$/m.exec(readRepoFile('Dockerfile'))?.[1];
  const args = cmd ? (JSON.parse(`[${cmd}]`) as string[]) : [];
  if (args[0] !== 'node' || args.length !== 2) {
    throw new Error(`Dockerfile CMD must be ["node", "<entry>"], got ${cmd}`);
  }
  return args[1];
}

/** Builds the gateway when its compiled entry point is missing (a fresh clone). */
export function ensureBuilt(): string {
  const entry = join(REPO_ROOT, dockerfileEntry());
  if (!existsSync(entry)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (build.status !== 0) {
      throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
  }
  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist after the build: fix the Dockerfile CMD`);
  }
  return entry;
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

export interface RunningGateway {
  baseUrl: string;
  process: ChildProcess;
  output: () => string;
}

/**
 * Starts the built gateway with the given environment (the rendered ConfigMap), bound to
 * loopback, with Ollama pointing at a closed port and the keys file at `apiKeysFile`.
 */
export async function startGateway(
  entry: string,
  configMap: Record<string, string>,
  apiKeysFile: string,
): Promise<RunningGateway> {
  const [port, closedPort] = [await freePort(), await freePort()];
  let output = '';
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: {
      ...configMap,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      OLLAMA_HOST: `http://127.0.0.1:${closedPort}`,
      API_KEYS_FILE: apiKeysFile,
      DRAIN_TIMEOUT_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) {
        return { baseUrl, process: child, output: () => output };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`gateway did not answer /health within 30 s:\n${output}`);
}

/** Sends SIGTERM and resolves with how the process ended and how long that took. */
export function stopGateway(
  gateway: RunningGateway,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (gateway.process.exitCode !== null || gateway.process.signalCode !== null) {
      resolve({ code: gateway.process.exitCode, signal: gateway.process.signalCode, ms: 0 });
      return;
    }
    gateway.process.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
    gateway.process.kill('SIGTERM');
  });
}
