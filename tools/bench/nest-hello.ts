/**
 * The framework's own ceiling for `bench:overhead`: a Nest 11 + Express app with one POST route that
 * parses a JSON body and answers a fixed JSON object, with nothing else in the request path.
 * Run as a child process; prints `listening <url>` once it accepts connections.
 */
import 'reflect-metadata';

import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

@Controller()
class HelloController {
  @Post('/v1/generate')
  @HttpCode(200)
  generate(@Body() body: { prompt?: string }): object {
    return { text: 'hello', finish_reason: 'stop', prompt_chars: body.prompt?.length ?? 0 };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(HelloModule, { logger: false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${await app.getUrl()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
