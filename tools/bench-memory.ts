/**
 * `npm run bench:memory`: whether the gateway's memory stays flat under sustained load. Rounds of load
 * through the built gateway against a fake Ollama; after each round (and a pause for the collector) it
 * prints the resident set and heap in use as the gateway itself exports them on /metrics.
 */
import { FakeOllama } from '../test/fixtures/fake-ollama';
import { postLoad, startBuiltOllamaGateway } from './bench-gateway';

const MODEL = 'qwen2.5:0.5b';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 8);
const CONNECTIONS = 16;

async function memory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const mb = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1e6;
  return { rss: mb('process_resident_memory_bytes'), heap: mb('nodejs_heap_size_used_bytes') };
}

async function main(): Promise<void> {
  const ollama = await new FakeOllama({ models: [MODEL] })
    .always({ kind: 'tokens', tokens: ['a', 'b', 'c', 'd', 'e', 'f'] })
    .start();
  const gateway = await startBuiltOllamaGateway(ollama.url, MODEL, { MAX_INFLIGHT: String(CONNECTIONS) });
  try {
    let total = 0;
    let errors = 0;
    console.log('round  requests(total)  errors(total)  rss MB  heap used MB');
    for (let round = 1; round <= ROUNDS; round += 1) {
      const result = await postLoad(
        `${gateway.url}/v1/generate`,
        { prompt: 'Explain Kubernetes in simple terms:', max_tokens: 16 },
        CONNECTIONS,
        ROUND_S,
      );
      total += result.requests.total;
      errors += result.errors + result.non2xx;
      await new Promise((r) => setTimeout(r, 1500));
      const { rss, heap } = await memory(gateway.url);
      console.log(
        `${String(round).padStart(5)}  ${String(total).padStart(15)}  ${String(errors).padStart(13)}  ${rss.toFixed(1).padStart(6)}  ${heap.toFixed(1).padStart(12)}`,
      );
    }
  } finally {
    await gateway.stop();
    await ollama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
