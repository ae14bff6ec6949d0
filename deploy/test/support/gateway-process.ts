import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startGatewayProcess, type GatewayProcess } from '../../../apps/gateway/test/support/gateway-process';
import { freePort } from '../../../test/fixtures/free-port';
import { imageCommand } from '../../../tools/image-command';
import { REPO_ROOT } from './render';

/** The entry point the image runs: the last element of the Dockerfile's exec-form CMD. */
export function dockerfileEntry(): string {
  return imageCommand().entry;
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

/**
 * Starts the built gateway with the given environment (the rendered ConfigMap), bound to loopback on a
 * free port instead of the ConfigMap's HOST and PORT, with Ollama pointing at a closed port and the keys
 * file at `apiKeysFile`.
 */
export async function startGateway(
  entry: string,
  configMap: Record<string, string>,
  apiKeysFile: string,
): Promise<GatewayProcess> {
  const { HOST: _host, PORT: _port, ...config } = configMap;
  return startGatewayProcess(
    {
      ...config,
      LOG_LEVEL: 'warn',
      OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`,
      API_KEYS_FILE: apiKeysFile,
      DRAIN_TIMEOUT_MS: '2000',
    },
    { entry, nodeArgs: imageCommand().nodeFlags, timeoutMs: 30_000 },
  );
}

/** Stops the gateway (see `GatewayProcess.stop`); resolves with how the process ended and how long that took. */
export async function stopGateway(
  gateway: GatewayProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  const running = gateway.child.exitCode === null && gateway.child.signalCode === null;
  await gateway.stop();
  return {
    code: gateway.child.exitCode,
    signal: gateway.child.signalCode,
    ms: running ? Date.now() - started : 0,
  };
}
