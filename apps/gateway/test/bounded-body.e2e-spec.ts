import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';

const MODEL = 'qwen2.5:0.5b';
const MiB = 1024 * 1024;

/** `{"model":…,"messages":[E,E,…]}` filled with `element` up to `bytes`. */
function bodyOfMessages(element: string, bytes: number): Buffer {
  const head = `{"model":"${MODEL}","messages":[`;
  const count = Math.floor((bytes - head.length - 2) / (element.length + 1));
  return Buffer.from(`${head}${Array<string>(count).fill(element).join(',')}]}`);
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

/** CPU time (user + system) a process has used, in ms: unlike wall-clock time, other load does not inflate it. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Reply {
  status: number;
  text: string;
}

interface Attempt {
  status: number;
  error: { code: string; message: string; type?: string };
  bodyBytes: number;
  elapsedMs: number;
  /** Slowest /health answer while the request was being handled. */
  slowestHealthMs: number;
  /** CPU time the gateway spent meanwhile. */
  gatewayCpuMs: number;
}

describe('bounded cost of hostile JSON bodies', () => {
  const agent = new Agent({ keepAlive: true });
  let ollama: FakeOllama;
  let gateway: GatewayProcess;
  let pid: number;

  beforeAll(async () => {
    // The real process (main.ts) with the default limits (1 MiB bodies, 8192 elements, 100000 nodes)
    // and about a pod's memory: before those limits, the first request below ran it out of heap.
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    gateway = await startGatewayProcess(
      { INFERENCE_BACKEND: 'ollama', OLLAMA_HOST: ollama.url, AUTH_MODE: 'none' },
      { timeoutMs: 90_000, nodeArgs: ['--max-old-space-size=384'] },
    );
    pid = gateway.child.pid as number;
  }, 100_000);

  afterAll(async () => {
    agent.destroy();
    await gateway?.stop();
    await ollama?.stop();
  });

  function send(method: string, path: string, body?: Buffer): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers = body ? { 'content-type': 'application/json', 'content-length': body.length } : {};
      const req = request(`${gateway.baseUrl}${path}`, { method, headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function timeHealth(): Promise<number> {
    const started = performance.now();
    expect((await send('GET', '/health')).status).toBe(200);
    return performance.now() - started;
  }

  /** Posts `body` to the chat route while asking /health, one request after the other. */
  async function attempt(body: Buffer): Promise<Attempt> {
    let done = false;
    let slowestHealthMs = 0;
    const poller = (async () => {
      while (!done) {
        slowestHealthMs = Math.max(slowestHealthMs, await timeHealth());
      }
    })();
    const cpuBefore = cpuMsOf(pid);
    const started = performance.now();
    const res = await send('POST', '/v1/chat/completions', body);
    const elapsedMs = performance.now() - started;
    const gatewayCpuMs = cpuMsOf(pid) - cpuBefore;
    done = true;
    await poller;
    const { error } = JSON.parse(res.text) as { error: Attempt['error'] };
    return {
      status: res.status,
      error,
      bodyBytes: res.text.length,
      elapsedMs,
      slowestHealthMs,
      gatewayCpuMs,
    };
  }

  it('answers 349k empty messages in 1 MiB with 400 in under 200 ms, RSS +50 MB at most, /health under 100 ms', async () => {
    const body = bodyOfMessages('{}', MiB);
    expect(body.length).toBeGreaterThan(MiB - 16);
    expect(body.length).toBeLessThanOrEqual(MiB);
    await timeHealth(); // opens the keep-alive connection
    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    // Before the limits, memory grew by hundreds of MB over seconds: a coarse sampler sees it.
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 20);
    const attempts: Attempt[] = [];
    try {
      // Wall-clock times are the best of ten: the load of a shared machine only ever adds to them.
      for (let i = 0; i < 10; i += 1) {
        attempts.push(await attempt(body));
      }
    } finally {
      clearInterval(sampler);
    }
    for (const { status, error, bodyBytes, gatewayCpuMs } of attempts) {
      expect(status).toBe(400);
      expect(error).toMatchObject({ code: 'json_array_too_long', type: 'invalid_request_error' });
      expect(bodyBytes).toBeLessThan(4096);
      expect(gatewayCpuMs).toBeLessThan(200);
    }
    expect(Math.min(...attempts.map((a) => a.elapsedMs))).toBeLessThan(200);
    expect(Math.min(...attempts.map((a) => a.slowestHealthMs))).toBeLessThan(100);
    expect((rssPeak - rssBefore) / MiB).toBeLessThan(50);
    expect(ollama.generationCalls()).toHaveLength(0);
  });

  it('answers nested lists ([[],[],…]) as messages or deeper with 400 at once', async () => {
    const asMessages = await attempt(bodyOfMessages('[]', MiB));
    expect(asMessages.status).toBe(400);
    expect(asMessages.error.code).toBe('json_array_too_long');
    expect(asMessages.gatewayCpuMs).toBeLessThan(200);
    const inContent = `{"role":"user","content":[${'[],'.repeat(9000)}[]]}`;
    const deeper = await attempt(bodyOfMessages(inContent, 64 * 1024));
    expect(deeper.status).toBe(400);
    expect(deeper.error.code).toBe('json_array_too_long');
    expect(ollama.generationCalls()).toHaveLength(0);
  });

  it('answers a body of many short arrays with 400 json_too_many_nodes', async () => {
    const shortList = `{"role":"user","content":[${Array<string>(8000).fill('0').join(',')}]}`;
    const body = Buffer.from(
      `{"model":"${MODEL}","messages":[${Array<string>(13).fill(shortList).join(',')}]}`,
    );
    const res = await attempt(body);
    expect(res.status).toBe(400);
    expect(res.error.code).toBe('json_too_many_nodes');
    expect(res.error.message).toMatch(/more than 100000/);
    expect(ollama.generationCalls()).toHaveLength(0);
  });

  it('still serves a large legitimate chat at the message limit', async () => {
    const messages = Array.from({ length: 1024 }, (_, i) => ({ role: 'user', content: `message ${i}` }));
    const body = Buffer.from(JSON.stringify({ model: MODEL, messages, max_tokens: 8 }));
    const res = await send('POST', '/v1/chat/completions', body);
    expect(res.status).toBe(200);
    expect(ollama.generationCalls()).toHaveLength(1);
  });
});
