/**
 * `npm run bench:overhead`: what the gateway adds in front of Ollama. The same fake Ollama server
 * (Ollama's wire protocol, instant answers) is loaded directly and through the built gateway in the
 * same run, with the same concurrency, and the throughput ratio and added latency are printed.
 * Only ratios within one run mean anything: the load generator shares the machine with both servers.
 */
import { FakeOllama } from '../test/fixtures/fake-ollama';
import { postLoad, startBuiltOllamaGateway } from './bench-gateway';

const MODEL = 'qwen2.5:0.5b';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TOKENS = ['Kubernetes', ' runs', ' containers', ' for', ' you', '.'];

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, body: object): Promise<Result> {
  const result = await postLoad(url, body, CONNECTIONS, DURATION_S);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function main(): Promise<void> {
  const ollama = await new FakeOllama({ models: [MODEL] }).always({ kind: 'tokens', tokens: TOKENS }).start();
  const gateway = await startBuiltOllamaGateway(ollama.url, MODEL, { MAX_INFLIGHT: String(CONNECTIONS) });
  try {
    const prompt = 'Explain Kubernetes in simple terms:';
    // Warm both paths (JIT, keep-alive pools) before measuring.
    await load(`${ollama.url}/api/generate`, { model: MODEL, prompt });
    await load(`${gateway.url}/v1/generate`, { prompt, max_tokens: 150 });
    const direct = await load(`${ollama.url}/api/generate`, { model: MODEL, prompt });
    const through = await load(`${gateway.url}/v1/generate`, { prompt, max_tokens: 150 });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const sum = Number(/^llm_gateway_overhead_seconds_sum\{[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? NaN);
    const count = Number(/^llm_gateway_overhead_seconds_count\{[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? NaN);

    const row = (name: string, r: Result): string =>
      `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(7)}`;
    console.log(`\n${CONNECTIONS} connections, ${DURATION_S} s each, ${TOKENS.length} tokens per answer`);
    console.log(
      `${'path'.padEnd(26)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`,
    );
    console.log(row('fake Ollama, direct', direct));
    console.log(row('through the gateway', through));
    console.log(`throughput ratio (gateway / direct): ${(through.rps / direct.rps).toFixed(2)}`);
    console.log(
      `added latency: p50 +${(through.p50 - direct.p50).toFixed(1)} ms, p99 +${(through.p99 - direct.p99).toFixed(1)} ms`,
    );
    console.log(
      `gateway's own overhead metric (mean, all requests): ${((sum / count) * 1000).toFixed(2)} ms`,
    );
  } finally {
    await gateway.stop();
    await ollama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
