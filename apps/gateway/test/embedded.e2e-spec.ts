import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TEST_MODEL_NAME } from '@gateway/config';
import { buildTestModel } from '@gateway/embedded';

import { sampleValue } from './support/metrics';
import { postJson, spawnGateway, waitForHealth, type GatewayProcess } from './support/gateway-process';

interface GenerateBody {
  timings: Record<string, number>;
  generated_text: string;
  tokens_generated: number;
  finish_reason: 'stop' | 'length';
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface ReadyBody {
  details: { inference: { status: string; loaded?: boolean; reason?: string } };
}

// Each test talks to a real llama.cpp engine in a child process; the slowest takes a few seconds.
jest.setTimeout(60_000);

const ROUTE_LABELS = { model: TEST_MODEL_NAME, route: '/v1/generate' };

function expectConsistent(body: GenerateBody, maxTokens: number): void {
  expect(body.model).toBe(TEST_MODEL_NAME);
  expect(body.tokens_generated).toBe(body.usage.completion_tokens);
  expect(body.tokens_generated).toBeLessThanOrEqual(maxTokens);
  expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  if (body.finish_reason === 'length') {
    expect(body.tokens_generated).toBe(maxTokens);
  } else {
    expect(body.tokens_generated).toBeLessThan(maxTokens);
  }
}

async function readiness(baseUrl: string): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`${baseUrl}/ready`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

async function scrape(baseUrl: string, name: string): Promise<number> {
  return sampleValue(await (await fetch(`${baseUrl}/metrics`)).text(), name, ROUTE_LABELS);
}

describe('gateway on the embedded llama.cpp backend (generated random-weights model, no configuration)', () => {
  let gateway: GatewayProcess;
  const readySeen: number[] = [];
  let earlyRequest: Promise<{ status: number; body: GenerateBody }>;

  beforeAll(async () => {
    // Only what a fresh clone has: no MODEL_PATH, no MODEL_NAME, no INFERENCE_BACKEND.
    gateway = await spawnGateway({ EMBEDDED_PARALLEL: '2', READINESS_CACHE_MS: '0' });
    await waitForHealth(gateway);
    earlyRequest = postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', {
      prompt: 'early',
      max_tokens: 5,
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && readySeen.at(-1) !== 200) {
      readySeen.push((await readiness(gateway.baseUrl)).status);
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('reports ready only once the model is loaded, and holds requests sent before that', async () => {
    expect(readySeen.at(-1)).toBe(200);
    // Never ready and then not ready again: 503 (loading) may come first, then 200 for good.
    expect(readySeen.slice(readySeen.indexOf(200))).toEqual([200]);
    expect(readySeen.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const ready = await readiness(gateway.baseUrl);
    expect(ready.status).toBe(200);
    expect(ready.body.details.inference).toMatchObject({ status: 'up', loaded: true });
    const early = await earlyRequest;
    expect(early.status).toBe(200);
    expectConsistent(early.body, 5);
  });

  it('serves /v1/generate with real tokens and consistent counts', async () => {
    const { status, body } = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', {
      prompt: 'hello',
      max_tokens: 20,
    });
    expect(status).toBe(200);
    expectConsistent(body, 20);
    expect(body.tokens_generated).toBeGreaterThan(0);
    expect(body.generated_text.length).toBeGreaterThan(0);
  });

  it('gives identical output twice at temperature 0', async () => {
    const request = { prompt: 'the model said', max_tokens: 30, temperature: 0 };
    const first = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', request);
    const second = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', request);
    expectConsistent(first.body, 30);
    const { timings: _first, ...firstOutput } = first.body;
    const { timings: _second, ...secondOutput } = second.body;
    expect(secondOutput).toEqual(firstOutput);
  });

  it('serves concurrent requests with their own tokens and counts (more requests than sequences)', async () => {
    const prompts = ['one', 'two words', 'three more words', 'a longer prompt of five', 'hello world'];
    const requests = prompts.map((prompt, i) => ({ prompt, max_tokens: 10 + 5 * i, temperature: 0 }));
    const expected: GenerateBody[] = [];
    for (const request of requests) {
      expected.push((await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', request)).body);
    }
    const concurrent = await Promise.all(
      requests.map((request) => postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', request)),
    );
    concurrent.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      expectConsistent(body, requests[i].max_tokens);
      expect(body.usage).toEqual(expected[i].usage);
      expect(body.generated_text).toBe(expected[i].generated_text);
    });
  });

  it('frees the engine when requests are aborted: the next ones complete promptly', async () => {
    // Greedy decoding of this prompt runs to the limit on the generated model (no end-of-sequence).
    const long = { prompt: 'write a long story', max_tokens: 1900, temperature: 0 };
    const startedFull = performance.now();
    const full = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', long);
    const fullMs = performance.now() - startedFull;
    expect(full.body).toMatchObject({ tokens_generated: 1900, finish_reason: 'length' });
    // Occupy every sequence (EMBEDDED_PARALLEL=2) with long generations, then hang up on them.
    const controller = new AbortController();
    const hungUp = [1, 2].map(() =>
      postJson(gateway.baseUrl, '/v1/generate', long, controller.signal).catch((error: Error) => error),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    await Promise.all(hungUp);
    const started = performance.now();
    const next = await Promise.all(
      [1, 2].map(() =>
        postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', { prompt: 'next', max_tokens: 5 }),
      ),
    );
    const nextMs = performance.now() - started;
    next.forEach(({ status, body }) => {
      expect(status).toBe(200);
      expectConsistent(body, 5);
    });
    // Had the hung-up generations kept their sequences, these would have waited for the rest of them
    // (about fullMs - 150 ms). Not a speed target: a bound that only a leaked sequence can exceed.
    expect(nextMs).toBeLessThan(fullMs - 150 - 200);
    const exposition = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    expect(
      sampleValue(exposition, 'llm_gateway_cancellations_total', {
        ...ROUTE_LABELS,
        reason: 'client_disconnect',
      }),
    ).toBe(2);
  });

  it('renders chat messages with the model chat template (OpenAI chat route)', async () => {
    const plain = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', {
      prompt: 'hello',
      max_tokens: 1,
    });
    const chat = await postJson<{ model: string; usage: GenerateBody['usage'] }>(
      gateway.baseUrl,
      '/v1/chat/completions',
      {
        model: TEST_MODEL_NAME,
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 8,
        temperature: 0,
      },
    );
    expect(chat.status).toBe(200);
    expect(chat.body.model).toBe(TEST_MODEL_NAME);
    expect(chat.body.usage.completion_tokens).toBeLessThanOrEqual(8);
    // The template wraps the message in its role markers: more prompt tokens than the bare text.
    expect(chat.body.usage.prompt_tokens).toBeGreaterThan(plain.body.usage.prompt_tokens + 2);
  });

  it('counts the real tokens in /metrics', async () => {
    const before = await scrape(gateway.baseUrl, 'llm_gateway_completion_tokens_total');
    const promptBefore = await scrape(gateway.baseUrl, 'llm_gateway_prompt_tokens_total');
    const { body } = await postJson<GenerateBody>(gateway.baseUrl, '/v1/generate', {
      prompt: 'count me',
      max_tokens: 7,
    });
    expect(await scrape(gateway.baseUrl, 'llm_gateway_completion_tokens_total')).toBe(
      before + body.tokens_generated,
    );
    expect(await scrape(gateway.baseUrl, 'llm_gateway_prompt_tokens_total')).toBe(
      promptBefore + body.usage.prompt_tokens,
    );
  });
});

describe('embedded backend failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-e2e-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays not ready, with the reason, when the model file cannot be loaded', async () => {
    const broken = join(dir, 'truncated.gguf');
    writeFileSync(broken, buildTestModel('tiny').subarray(0, 4096));
    const gateway = await spawnGateway({
      INFERENCE_BACKEND: 'embedded',
      MODEL_PATH: broken,
      READINESS_CACHE_MS: '0',
    });
    try {
      await waitForHealth(gateway);
      let ready = await readiness(gateway.baseUrl);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !ready.body.details.inference.reason?.includes('cannot load')) {
        ready = await readiness(gateway.baseUrl);
      }
      expect(ready.status).toBe(503);
      expect(ready.body.details.inference.reason).toContain(`cannot load ${broken} as a GGUF model`);
      const generate = await postJson(gateway.baseUrl, '/v1/generate', { prompt: 'hello', max_tokens: 5 });
      expect(generate.status).toBe(503);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('fails start-up with a clear message when node-llama-cpp is not installed', async () => {
    // Resolution hooks make `node-llama-cpp` unresolvable, as in the production image (--omit=optional).
    const hooks = join(dir, 'hide-node-llama-cpp.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (specifier === 'node-llama-cpp') {
    throw Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}
`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const gateway = await spawnGateway(
      { INFERENCE_BACKEND: 'embedded' },
      { nodeArgs: ['--import', register] },
    );
    expect(await gateway.exited).not.toBe(0);
    expect(gateway.output()).toContain('the embedded backend needs the optional dependency node-llama-cpp');
    expect(gateway.output()).toContain('INFERENCE_BACKEND=ollama');
  }, 60_000);
});
