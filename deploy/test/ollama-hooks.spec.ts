import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEPLOY_DIR } from './support/render';

const WARM = join(DEPLOY_DIR, 'base/ollama/warm-model.sh');
const DRAIN = join(DEPLOY_DIR, 'base/ollama/drain-ollama.sh');

interface Run {
  code: number | null;
  ms: number;
}

function runBash(script: string, env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn('/bin/bash', [script], { env: { PATH: '/usr/bin:/bin', ...env }, stdio: 'ignore' });
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve({ code, ms: Date.now() - started }));
  });
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

describe('warm-model.sh (postStart: the model is loaded before the pod is ready)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'warm-model-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sends Ollama's load request with the gateway's runner options and keeps the model loaded", async () => {
    const requests: { method?: string; url?: string; body: unknown }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body: JSON.parse(body) as unknown });
        res.setHeader('content-type', 'application/json');
        res.end('{"model":"qwen2.5:0.5b","done":true,"done_reason":"load"}');
      });
    });
    const port = await listen(server);
    try {
      const log = join(dir, 'log');
      const run = await runBash(WARM, {
        MODEL_NAME: 'qwen2.5:0.5b',
        NUM_THREAD: '4',
        OLLAMA_CONTEXT_LENGTH: '8192',
        WARM_PORT: String(port),
        WARM_LOG: log,
      });
      expect(run.code).toBe(0);
      // No prompt: Ollama loads the model and answers done_reason "load", generating nothing.
      expect(requests).toEqual([
        {
          method: 'POST',
          url: '/api/generate',
          body: {
            model: 'qwen2.5:0.5b',
            keep_alive: -1,
            stream: false,
            options: { num_thread: 4, num_ctx: 8192 },
          },
        },
      ]);
      expect(readFileSync(log, 'utf8')).toContain('qwen2.5:0.5b loaded');
    } finally {
      server.close();
    }
  });

  it('never fails the container: Ollama not listening only means a cold first request', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    closed.close();
    const log = join(dir, 'log');
    const run = await runBash(WARM, {
      MODEL_NAME: 'qwen2.5:0.5b',
      WARM_PORT: String(port),
      WARM_TIMEOUT_S: '2',
      WARM_LOG: log,
    });
    expect(run.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain('did not listen');
  });

  it('reports a refused load (model missing) without failing', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end('{"error":"model not found"}');
    });
    const port = await listen(server);
    try {
      const log = join(dir, 'log');
      const run = await runBash(WARM, { MODEL_NAME: 'nope:1b', WARM_PORT: String(port), WARM_LOG: log });
      expect(run.code).toBe(0);
      expect(readFileSync(log, 'utf8')).toContain('failed (HTTP 404)');
    } finally {
      server.close();
    }
  });
});

describe('drain-ollama.sh (preStop: streams on the pod end before Ollama is stopped)', () => {
  const fast = { DISCOVERY_WAIT_S: '0', POLL_S: '0.2' };

  it('waits while a client connection to the Ollama port is open, and returns soon after it closes', async () => {
    const server = createTcpServer((socket) => socket.on('error', () => undefined));
    const port = await listen(server);
    const client: Socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      const draining = runBash(DRAIN, { ...fast, DRAIN_MAX_S: '30', OLLAMA_PORT: String(port) });
      const closeAfterMs = 2500;
      setTimeout(() => client.destroy(), closeAfterMs);
      const run = await draining;
      expect(run.code).toBe(0);
      // Not before the stream ended, and well before the deadline.
      expect(run.ms).toBeGreaterThanOrEqual(closeAfterMs);
      expect(run.ms).toBeLessThan(20_000);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('gives up at DRAIN_MAX_S so the grace period is never overrun', async () => {
    const server = createTcpServer((socket) => socket.on('error', () => undefined));
    const port = await listen(server);
    const client = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      const run = await runBash(DRAIN, { ...fast, DRAIN_MAX_S: '2', OLLAMA_PORT: String(port) });
      expect(run.code).toBe(0);
      expect(run.ms).toBeGreaterThanOrEqual(2000);
      expect(run.ms).toBeLessThan(15_000);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('returns at once when nothing is connected (after the discovery wait)', async () => {
    const server = createTcpServer();
    const port = await listen(server);
    try {
      const run = await runBash(DRAIN, {
        DISCOVERY_WAIT_S: '1',
        POLL_S: '0.2',
        DRAIN_MAX_S: '30',
        OLLAMA_PORT: String(port),
      });
      expect(run.code).toBe(0);
      expect(run.ms).toBeGreaterThanOrEqual(1000);
      expect(run.ms).toBeLessThan(10_000);
    } finally {
      server.close();
    }
  });
});
