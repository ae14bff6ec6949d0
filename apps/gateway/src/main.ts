import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { KeysFileError } from '@gateway/auth';
import { ConfigValidationError, loadConfig } from '@gateway/config';

import { AppModule } from './app.module';
import { configureApp, GATEWAY_APP_OPTIONS } from './app.setup';

async function bootstrap(): Promise<void> {
  // Validate before Nest starts so that a bad environment ends in one readable message.
  const { host, port } = loadConfig().server;
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...GATEWAY_APP_OPTIONS,
    abortOnError: false,
  });
  await configureApp(app).listen(port, host);
}

bootstrap().catch((error: unknown) => {
  // Configuration errors already list every bad key; a stack trace would only hide them.
  const clear = error instanceof ConfigValidationError || error instanceof KeysFileError;
  const message = clear ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
