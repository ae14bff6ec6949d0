import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { freePort } from '../test/fixtures/free-port';

export interface BenchGateway {
  url: string;
  stop: () => void;
}

/** Starts the built gateway (dist/) on the Ollama backend and resolves once /ready answers 200. */
export async function startBuiltGateway(
  ollamaUrl: string,
  model: string,
  env: Record<string, string> = {},
): Promise<BenchGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, '../dist/apps/gateway/src/main.js')], {
    env: {
      ...process.env,
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_HOST: ollamaUrl,
      MODEL_NAME: model,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ready = await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      return { url, stop: () => child.kill('SIGTERM') };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the gateway did not become ready');
}
