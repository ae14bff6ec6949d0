import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildTestModel } from '@gateway/embedded';

import { spawnGateway, waitForHealth, type GatewayProcess } from './gateway-process';

/**
 * A gateway process on the embedded engine, serving the generated test model under the name `model`
 * with one sequence (a request that leaked it would leave every later one waiting), once healthy.
 * Its `stop` also removes the model file.
 */
export async function startEmbeddedGateway(
  model: string,
  env: Record<string, string> = {},
  healthTimeoutMs?: number,
): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-embedded-'));
  const modelPath = join(dir, `${model}.gguf`);
  writeFileSync(modelPath, buildTestModel('tiny'));
  const gateway = await spawnGateway({
    INFERENCE_BACKEND: 'embedded',
    MODEL_PATH: modelPath,
    EMBEDDED_PARALLEL: '1',
    ...env,
  });
  const stop = async (): Promise<void> => {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(gateway, healthTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...gateway, stop };
}
