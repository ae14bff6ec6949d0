/**
 * The fake Ollama of the benchmarks in its own process, so that it does not share an event loop with
 * the load generator. Every generation streams BENCH_TOKENS tokens (16 by default) at once.
 * Prints `listening <url>` once it accepts connections.
 */
import { FakeOllama } from '../../test/fixtures/fake-ollama';

export const BENCH_MODEL = 'qwen2.5:0.5b';
/** The first token of every answer; the benchmarks look for it to time the first token. */
export const FIRST_TOKEN = 'Kubernetes';

export function benchTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? FIRST_TOKEN : ` token${i}`));
}

async function main(): Promise<void> {
  const tokens = benchTokens(Number(process.env.BENCH_TOKENS ?? 16));
  const ollama = await new FakeOllama({ models: [BENCH_MODEL], loaded: [BENCH_MODEL], recordCalls: false })
    .always({ kind: 'tokens', tokens })
    .start();
  process.stdout.write(`listening ${ollama.url}\n`);
  process.on('SIGTERM', () => void ollama.stop().then(() => process.exit(0)));
}

if (require.main === module) {
  void main();
}
