import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { GatewayConfig, loadConfig, type RawEnv } from '@gateway/config';
import { INFERENCE_PROVIDER, type InferenceProvider } from '@gateway/inference';

import { AppModule } from '../../src/app.module';
import { configureApp, GATEWAY_APP_OPTIONS } from '../../src/app.setup';

/** One upstream attempt per request and no breaker, so each test sees exactly what its upstream did. */
export const SINGLE_ATTEMPT = { UPSTREAM_RETRIES: '0', BREAKER_FAILURE_THRESHOLD: '1000' };

export interface TestAppOptions {
  /** Environment for the config library (validated like the real one); LOG_LEVEL defaults to silent. */
  env?: RawEnv;
  /** Replaces the inference backend (the seam for e2e tests). */
  provider?: InferenceProvider;
  /** Further overrides before compiling. */
  customise?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** Boots the whole gateway exactly as main.ts does, on an ephemeral port, with overridden providers. */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestExpressApplication> {
  const env: RawEnv = { LOG_LEVEL: 'silent', INFERENCE_BACKEND: 'ollama', ...options.env };
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(GatewayConfig)
    .useValue(loadConfig(env));
  if (options.provider) {
    builder = builder.overrideProvider(INFERENCE_PROVIDER).useValue(options.provider);
  }
  builder = options.customise?.(builder) ?? builder;
  const moduleRef = await builder.compile();
  const app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(GATEWAY_APP_OPTIONS));
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Base URL of a listening test app. */
export async function baseUrl(app: INestApplication): Promise<string> {
  const url = await app.getUrl();
  return url.replace('[::1]', '127.0.0.1');
}
