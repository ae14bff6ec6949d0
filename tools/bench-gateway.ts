import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

import autocannon from 'autocannon';

import { freePort } from '../test/fixtures/free-port';
import { imageCommand } from './image-command';
import { parseMemoryQuantity, underMemoryLimit } from './bench/memory-limit';

export interface BenchGateway {
  url: string;
  /** SIGTERM; resolves once the process has exited. */
  stop: () => Promise<void>;
  pid?: number;
}

/**
 * Starts the built gateway (dist/) with `env` over ours and resolves once /ready answers 200; rejects if
 * it exits first or is not ready within `readyTimeoutMs` (an embedded model may take a while to load).
 */
export async function startBuiltGateway(
  env: Record<string, string>,
  readyTimeoutMs = 10_000,
  dist = process.env.GATEWAY_DIST ?? resolve(__dirname, '../dist'),
  // Node's flags: the caller's, else GATEWAY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to
  // profile the gateway under load, or "" for Node's defaults), else those the production image sets.
  nodeArgs = process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? imageCommand().nodeFlags,
): Promise<BenchGateway> {
  const port = await freePort();
  // `dist`: this build, or another to compare against (e.g. a copy of dist/ from before a change).
  const main = resolve(dist, 'apps/gateway/src/main.js');
  // BENCH_MEMORY_LIMIT (e.g. 512Mi, the deployment's limit): run it in a memory cgroup, as a pod runs it.
  const limit = process.env.BENCH_MEMORY_LIMIT;
  const { command, args, release } = limit
    ? underMemoryLimit(parseMemoryQuantity(limit), process.execPath, [...nodeArgs, main])
    : { command: process.execPath, args: [...nodeArgs, main], release: () => undefined };
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').finally(release);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the gateway exited with ${child.exitCode ?? child.signalCode}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      const stop = async (): Promise<void> => {
        child.kill('SIGTERM');
        await exited;
      };
      return { url, stop, pid: child.pid };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the gateway did not become ready');
}

/** The gateway on the Ollama backend at `ollamaUrl`, serving `model`. */
export function startBuiltOllamaGateway(
  ollamaUrl: string,
  model: string,
  env: Record<string, string> = {},
  dist?: string,
  nodeArgs?: string[],
): Promise<BenchGateway> {
  return startBuiltGateway(
    { INFERENCE_BACKEND: 'ollama', OLLAMA_HOST: ollamaUrl, MODEL_NAME: model, ...env },
    10_000,
    dist,
    nodeArgs,
  );
}

/** `connections` clients POSTing `body` as JSON to `url` for `durationS` seconds. */
export function postLoad(
  url: string,
  body: object,
  connections: number,
  durationS: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections,
    duration: durationS,
  });
}
