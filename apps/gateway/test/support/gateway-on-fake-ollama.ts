import type { NestExpressApplication } from '@nestjs/platform-express';

import { FakeOllama } from '../../../../test/fixtures/fake-ollama';
import { baseUrl, createTestApp, type TestAppOptions } from './test-app';

export interface GatewayOnFakeOllama {
  ollama: FakeOllama;
  app: NestExpressApplication;
  url: string;
}

/**
 * A fake Ollama serving `model` and the whole gateway in front of it (OLLAMA_HOST and MODEL_NAME set,
 * `options.env` over them).
 */
export async function startGatewayOnFakeOllama(
  model: string,
  options: TestAppOptions = {},
): Promise<GatewayOnFakeOllama> {
  const ollama = await new FakeOllama({ models: [model] }).start();
  try {
    const app = await createTestApp({
      ...options,
      env: { OLLAMA_HOST: ollama.url, MODEL_NAME: model, ...options.env },
    });
    return { ollama, app, url: await baseUrl(app) };
  } catch (error) {
    await ollama.stop();
    throw error;
  }
}

/** Upstream first: a hanging call left by a failed test would otherwise keep the app from closing. */
export async function stopGatewayOnFakeOllama(started: Partial<GatewayOnFakeOllama>): Promise<void> {
  await started.ollama?.stop();
  await started.app?.close();
}
