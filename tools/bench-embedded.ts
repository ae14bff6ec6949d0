/**
 * `npm run bench:embedded`: tokens/s and time to first token of the same GGUF model driven directly
 * through node-llama-cpp and through the gateway (built, as its own process, streaming /v1/generate),
 * measured in the same run, alternating, one request at a time, and their ratio.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { buildTestModel, testModelFileName, type TestModelProfileName } from '@gateway/embedded';
import { IncrementalDetokenizer } from '@gateway/embedded';
import { loadNodeLlamaCpp } from '@gateway/embedded';
import type { Token } from 'node-llama-cpp';

import { startBuiltGateway } from './bench-gateway';
import { timedPost } from './bench/http-timing';

const PROMPT = 'Once upon a time';
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 128);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const THREADS = 1;
const CONTEXT = 2048;

interface Sample {
  ttftMs: number;
  totalMs: number;
  tokens: number;
  /** The gateway's own time before its first token, from its Server-Timing header. */
  gatewayMs?: number;
}

type Runner = () => Promise<Sample>;

async function directRunner(modelPath: string): Promise<{ run: Runner; close: () => Promise<void> }> {
  const lib = await loadNodeLlamaCpp();
  const llama = await lib.getLlama({ gpu: false, logLevel: lib.LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ sequences: 1, contextSize: CONTEXT, threads: THREADS });
  const sequence = context.getSequence();
  const run: Runner = async () => {
    const started = performance.now();
    const bos = model.tokens.bos;
    const input = bos === null ? model.tokenize(PROMPT) : [bos, ...model.tokenize(PROMPT)];
    let ttftMs = 0;
    let tokens = 0;
    // Streamed as any caller would: TTFT is the first visible text, as it is through the gateway.
    const detokenizer = new IncrementalDetokenizer<Token>((t, last) => model.detokenize(t, false, last));
    for await (const token of sequence.evaluate(input, { temperature: 0 })) {
      if (model.isEogToken(token)) {
        break;
      }
      if (detokenizer.push(token) && !ttftMs) {
        ttftMs = performance.now() - started;
      }
      if (++tokens >= MAX_TOKENS) {
        break;
      }
    }
    await sequence.clearHistory();
    return { ttftMs, totalMs: performance.now() - started, tokens };
  };
  return { run, close: () => llama.dispose() };
}

async function gatewayRunner(modelPath: string): Promise<{ run: Runner; close: () => Promise<void> }> {
  const gateway = await startBuiltGateway(
    {
      LOG_LEVEL: 'warn',
      INFERENCE_BACKEND: 'embedded',
      MODEL_PATH: modelPath,
      EMBEDDED_THREADS: String(THREADS),
      EMBEDDED_CONTEXT_SIZE: String(CONTEXT),
      EMBEDDED_PARALLEL: '1',
    },
    60_000,
  );
  const payload = JSON.stringify({ prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0, stream: true });
  // A plain keep-alive HTTP client, as bench:overhead uses: the figure is the gateway's, not a client
  // library's (fetch and its web streams add milliseconds of their own to the first read).
  const run: Runner = async () => {
    const {
      markerMs,
      totalMs,
      serverTiming,
      text = '',
    } = await timedPost(`${gateway.url}/v1/generate`, payload, 'event: delta', true);
    const done = /event: done\ndata: (.*)\n/.exec(text);
    if (!done || markerMs === undefined) {
      throw new Error(`no delta or no done event in the stream:\n${text.slice(-500)}`);
    }
    const { tokens_generated: tokens } = JSON.parse(done[1]) as { tokens_generated: number };
    const gatewayMs = Number(/gateway;dur=([\d.]+)/.exec(serverTiming ?? '')?.[1] ?? NaN);
    return { ttftMs: markerMs, totalMs, tokens, gatewayMs };
  };
  return { run, close: gateway.stop };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const rate = (s: Sample): number => s.tokens / (s.totalMs / 1000);

function summarise(samples: Sample[]): { tokensPerSecond: number; ttftMs: number } {
  return { tokensPerSecond: median(samples.map(rate)), ttftMs: median(samples.map((s) => s.ttftMs)) };
}

async function benchProfile(profile: TestModelProfileName): Promise<void> {
  const dir = resolve('.models');
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, testModelFileName(profile));
  const file = buildTestModel(profile);
  writeFileSync(modelPath, file);
  // Every weight of the test models is F32, so the file size (minus a small header) is 4 bytes a parameter.
  process.stdout.write(
    `${profile} model: ${(file.length / 1e6).toFixed(1)} MB, ~${(file.length / 4 / 1e6).toFixed(1)}M F32 parameters\n`,
  );
  const direct = await directRunner(modelPath);
  const gateway = await gatewayRunner(modelPath);
  try {
    // Warm both paths up first, as a serving gateway is: until V8 has compiled the request path, each
    // of the first requests spends milliseconds in the interpreter.
    for (let i = 0; i < WARMUP; i += 1) {
      await direct.run();
      await gateway.run();
    }
    const samples: { direct: Sample[]; gateway: Sample[] } = { direct: [], gateway: [] };
    for (let i = 0; i < RUNS; i += 1) {
      samples.direct.push(await direct.run());
      samples.gateway.push(await gateway.run());
    }
    const d = summarise(samples.direct);
    const g = summarise(samples.gateway);
    const row = (name: string, s: { tokensPerSecond: number; ttftMs: number }): string =>
      `| ${profile} | ${name} | ${s.tokensPerSecond.toFixed(1)} | ${s.ttftMs.toFixed(1)} |`;
    process.stdout.write(`${row('node-llama-cpp direct', d)}\n${row('through the gateway', g)}\n`);
    const own = median(samples.gateway.map((s) => s.gatewayMs ?? NaN));
    process.stdout.write(
      `| ${profile} | gateway's own work before the first token (Server-Timing gateway) | | ${own.toFixed(1)} |\n`,
    );
    process.stdout.write(
      `| ${profile} | **gateway / direct** | **${(100 * median(samples.gateway.map((s, i) => rate(s) / rate(samples.direct[i])))).toFixed(1)} %** | +${(g.ttftMs - d.ttftMs).toFixed(1)} ms |\n`,
    );
  } finally {
    await gateway.close();
    await direct.close();
  }
}

async function main(): Promise<void> {
  const profiles = (process.argv[2]?.split(',') ?? ['tiny', 'bench']) as TestModelProfileName[];
  process.stdout.write(
    `${RUNS} runs each after ${WARMUP} warm-up runs, prompt "${PROMPT}", max_tokens ${MAX_TOKENS}, temperature 0, ` +
      `${THREADS} thread, one request at a time; medians of per-request tokens/s (whole request) and TTFT; the ratio is the median of adjacent gateway/direct pairs\n\n`,
  );
  process.stdout.write('| model | path | tokens/s | TTFT ms |\n|---|---|---|---|\n');
  for (const profile of profiles) {
    await benchProfile(profile);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
