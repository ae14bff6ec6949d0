import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { UpstreamProtocolError, type EmbeddingRequest } from '@gateway/inference';
import { Logger } from '@nestjs/common';

import { failureOf } from '../../../test/fixtures/failure-of';
import { MAX_EMBED_BYTES, MAX_LIST_BYTES, OllamaService } from './ollama.service';

/** `json` followed by spaces (still valid JSON) up to exactly `bytes` bytes. */
function padded(json: object, bytes: number): Buffer {
  const text = Buffer.from(JSON.stringify(json));
  return Buffer.concat([text, Buffer.alloc(bytes - text.length, ' ')]);
}

const TAGS = { models: [{ name: 'qwen2.5:0.5b', size: 1, modified_at: '2026-01-01T00:00:00Z' }] };
const EMBED = { model: 'nomic-embed-text', embeddings: [[0.25, -0.5]], prompt_eval_count: 2 };
const EMBED_REQUEST: EmbeddingRequest = { model: 'nomic-embed-text', input: { kind: 'text', texts: ['hi'] } };

/**
 * Whole answers the gateway reads into memory are capped: a model list at 4 MiB, an /api/embed answer
 * at 64 MiB. Exactly at the cap is read; one byte past it is a protocol error, not a bigger buffer.
 */
describe('OllamaService caps on whole answers', () => {
  let server: Server;
  let service: OllamaService;
  let answerBytes = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = req.url === '/api/embed' ? padded(EMBED, answerBytes) : padded(TAGS, answerBytes);
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    service = new OllamaService(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await service.onApplicationShutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a model list of exactly 4 MiB', async () => {
    answerBytes = MAX_LIST_BYTES;
    expect((await service.listModels()).map((model) => model.name)).toEqual(['qwen2.5:0.5b']);
  });

  it('refuses a model list one byte over 4 MiB', async () => {
    answerBytes = MAX_LIST_BYTES + 1;
    const error = await failureOf(service.listModels(), UpstreamProtocolError);
    expect(String(error.cause)).toContain(`exceeded ${MAX_LIST_BYTES} bytes`);
  });

  it('reads an /api/embed answer of exactly 64 MiB', async () => {
    answerBytes = MAX_EMBED_BYTES;
    expect((await service.embed(EMBED_REQUEST)).embeddings).toEqual([[0.25, -0.5]]);
  });

  it('refuses an /api/embed answer one byte over 64 MiB', async () => {
    answerBytes = MAX_EMBED_BYTES + 1;
    const error = await failureOf(service.embed(EMBED_REQUEST), UpstreamProtocolError);
    expect(String(error.cause)).toContain(`exceeded ${MAX_EMBED_BYTES} bytes`);
  });
});
