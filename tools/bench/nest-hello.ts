/**
 * The framework's own ceiling for `bench:overhead`: a Nest 11 + Express app with one POST route that
 * parses a JSON body and answers a fixed JSON object, with nothing else in the request path.
 * Run as a child process; prints `listening <url>` once it accepts connections.
 */
import 'reflect-metadata';

import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';

import { serveNestModule } from './serve-nest-module';

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

serveNestModule(HelloModule);
