import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Runs a one-module Nest + Express app on a free loopback port, as the benchmark's child servers do:
 * prints `listening <url>` once it accepts connections, exits 1 if it cannot start. SIGTERM ends it with
 * `process.exit`, so that what Node writes at exit (a `--cpu-prof` profile) is written.
 */
export function serveNestModule(module: Parameters<typeof NestFactory.create>[0]): void {
  const start = async (): Promise<void> => {
    const app = await NestFactory.create<NestExpressApplication>(module, { logger: false });
    app.enableShutdownHooks([], { useProcessExit: true });
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`listening ${await app.getUrl()}\n`);
  };
  start().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
