import { Agent, request as httpRequest } from 'node:http';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';

const STREAMS = 4;
const TOKENS = ['one', ' two', ' three', ' four', ' five', ' six', ' seven', ' eight'];

/** Reads a whole streaming response; rejects if the connection breaks before its end. */
function streamGenerate(baseUrl: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}/v1/generate`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('stream aborted')));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ prompt: 'Count', max_tokens: 16, stream: true }));
  });
}

const keepAlive = new Agent({ keepAlive: true });

/** GET /ready over a keep-alive connection, with the Connection header fetch would hide. */
function getReady(baseUrl: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(`${baseUrl}/ready`, { agent: keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    })
      .on('error', reject)
      .end();
  });
}

const tick = (ms: number): Promise<false> => new Promise((resolve) => setTimeout(() => resolve(false), ms));

describe('graceful drain of the real process on SIGTERM', () => {
  let ollama: FakeOllama;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    // Each stream takes ~1.4 s, well past the moment SIGTERM arrives.
    ollama.always({ kind: 'tokens', tokens: TOKENS, interTokenDelayMs: 200 });
    gateway = await startGatewayProcess(
      {
        INFERENCE_BACKEND: 'ollama',
        OLLAMA_HOST: ollama.url,
        MAX_INFLIGHT: String(STREAMS),
        READINESS_CACHE_MS: '0',
        DRAIN_TIMEOUT_MS: '10000',
      },
      { timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    keepAlive.destroy();
    if (gateway?.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
    }
    await ollama?.stop();
  });

  it('fails readiness at once, finishes every accepted stream, refuses new connections and exits 0', async () => {
    const { baseUrl, child, exited } = gateway!;
    expect(await getReady(baseUrl)).toMatchObject({ status: 200, connection: 'keep-alive' });

    const streams = Array.from({ length: STREAMS }, () => streamGenerate(baseUrl));
    while (ollama.generationCalls().length < STREAMS) {
      await tick(20);
    }
    child.kill('SIGTERM');
    const streamsDone = Promise.allSettled(streams).then(() => true);

    // The signal is delivered asynchronously: poll until readiness flips (bounded by the drain itself).
    let readiness = await getReady(baseUrl);
    while (readiness.status === 200 && (await Promise.race([streamsDone, tick(20)])) !== true) {
      readiness = await getReady(baseUrl);
    }
    expect(readiness.status).toBe(503);
    expect(readiness.body).toContain('draining');
    // Keep-alive clients are told to go elsewhere.
    expect(readiness.connection).toBe('close');

    const results = await Promise.all(streams);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body).toContain('event: done');
      expect(body).not.toContain('event: error');
      expect(body.match(/event: delta/g)).toHaveLength(TOKENS.length);
    }

    expect(await exited).toBe(0);
    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
    expect(ollama.generationCalls().every((call) => call.clientGoneAt === undefined)).toBe(true);
  });
});

/** One whole response over a raw connection; rejects if the connection breaks before the response ends. */
function post(
  baseUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${path}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error(`${path}: connection cut before the response ended`)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('drain deadline on the real process', () => {
  let ollama: FakeOllama;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: ['qwen2.5:0.5b'] }).start();
    // Each generation takes ~10 s: far longer than the drain allows.
    ollama.always({
      kind: 'tokens',
      tokens: Array.from({ length: 40 }, () => ' tok'),
      interTokenDelayMs: 250,
    });
    gateway = await startGatewayProcess(
      {
        INFERENCE_BACKEND: 'ollama',
        OLLAMA_HOST: ollama.url,
        MAX_INFLIGHT: '4',
        DRAIN_TIMEOUT_MS: '1500',
      },
      { timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    if (gateway?.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
    }
    await ollama?.stop();
  });

  it('ends every open stream with a terminal error event in its dialect and answers the rest 503, then exits 0', async () => {
    const { baseUrl, child, exited } = gateway!;
    const native = post(baseUrl, '/v1/generate', { prompt: 'Count', max_tokens: 64, stream: true });
    const openai = post(baseUrl, '/v1/chat/completions', {
      model: 'qwen2.5:0.5b',
      messages: [{ role: 'user', content: 'Count' }],
      max_tokens: 64,
      stream: true,
    });
    const whole = post(baseUrl, '/v1/generate', { prompt: 'Count', max_tokens: 64 });
    while (ollama.generationCalls().length < 3) {
      await tick(20);
    }
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    const [nativeRes, openaiRes, wholeRes] = await Promise.all([native, openai, whole]);
    // Not before the deadline: accepted requests get the whole drain time.
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_400);

    expect(nativeRes.status).toBe(200);
    expect(nativeRes.body).toContain('event: delta');
    const nativeEvents = nativeRes.body.trim().split('\n\n');
    expect(nativeEvents.at(-1)).toMatch(/^event: error\ndata: .*"code":"shutting_down"/);

    expect(openaiRes.status).toBe(200);
    const chunks = openaiRes.body.trim().split('\n\n');
    expect(chunks.length).toBeGreaterThan(1);
    const last = JSON.parse(chunks.at(-1)!.replace(/^data: /, '')) as { error?: { code?: string } };
    expect(last.error).toMatchObject({ code: 'shutting_down' });

    expect(wholeRes.status).toBe(503);
    expect(wholeRes.retryAfter).toBe('1');
    expect(JSON.parse(wholeRes.body)).toMatchObject({ error: { code: 'shutting_down' } });

    expect(await exited).toBe(0);
    // The upstream generations were stopped, not left running on Ollama.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ollama.generationCalls().every((call) => call.clientGoneAt !== undefined)).toBe(true);
  });
});
