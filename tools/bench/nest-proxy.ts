/**
 * The framework's ceiling for this gateway's work, for `bench:overhead`: a Nest 11 + Express route that
 * does the least a generation proxy must do and nothing else. It parses the JSON body, streams
 * Ollama's `/api/generate` from UPSTREAM_URL over an undici keep-alive pool, splits and parses the
 * NDJSON, and answers one JSON body (or relays each token as an SSE event when `stream` is true). No
 * validation, limits, metrics, timeouts, cancellation, failover or security headers.
 * Run as a child process; prints `listening <url>` once it accepts connections.
 */
import 'reflect-metadata';

import { Body, Controller, Module, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Pool } from 'undici';

import { serveNestModule } from './serve-nest-module';

const upstream = new Pool(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:11434', { keepAliveTimeout: 30_000 });
const MODEL = process.env.MODEL_NAME ?? 'qwen2.5:0.5b';

interface Chunk {
  response?: string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

@Controller()
class ProxyController {
  @Post('/v1/generate')
  async generate(
    @Body() body: { prompt: string; max_tokens?: number; stream?: boolean },
    @Res() res: Response,
  ): Promise<void> {
    const answer = await upstream.request({
      path: '/api/generate',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: body.prompt, options: { num_predict: body.max_tokens } }),
    });
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    }
    let text = '';
    let pending = '';
    let last: Chunk = {};
    for await (const bytes of answer.body as AsyncIterable<Buffer>) {
      const lines = (pending + bytes.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          continue;
        }
        last = JSON.parse(line) as Chunk;
        if (body.stream && last.response) {
          res.write(`data: ${JSON.stringify({ text: last.response })}\n\n`);
        }
        text += last.response ?? '';
      }
    }
    if (body.stream) {
      res.end('data: [DONE]\n\n');
      return;
    }
    res.json({
      text,
      finish_reason: last.done_reason,
      usage: { prompt_tokens: last.prompt_eval_count, completion_tokens: last.eval_count },
    });
  }
}

@Module({ controllers: [ProxyController] })
class ProxyModule {}

serveNestModule(ProxyModule);
