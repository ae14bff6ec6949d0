/**
 * `npm run bench:hostile`: what hostile JSON bodies cost the built gateway. Each 1 MiB body goes to
 * /v1/chat/completions while /health is asked one request after the other; it prints the status and
 * code, the wall-clock time, the gateway's CPU time and resident memory (from its own /metrics), the
 * error body's size and the slowest /health answer meanwhile.
 */
import { FakeOllama } from '../test/fixtures/fake-ollama';
import { startBuiltOllamaGateway } from './bench-gateway';

const MODEL = 'qwen2.5:0.5b';
const MiB = 1024 * 1024;

function filled(element: string, field = 'messages'): string {
  const head = `{"model":"${MODEL}","${field}":[`;
  const count = Math.floor((MiB - head.length - 2) / (element.length + 1));
  return `${head}${Array<string>(count).fill(element).join(',')}]}`;
}

const BODIES: Array<[string, string]> = [
  ['349k empty messages', filled('{}')],
  ['349k nested lists', filled('[]')],
  [
    'many short lists',
    `{"model":"${MODEL}","messages":[${Array(13)
      .fill(`[${Array(8000).fill(0).join(',')}]`)
      .join(',')}]}`,
  ],
];

async function sample(url: string): Promise<{ cpuS: number; rssMb: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { cpuS: value('process_cpu_seconds_total'), rssMb: value('process_resident_memory_bytes') / 1e6 };
}

async function attempt(url: string, body: string): Promise<string> {
  let done = false;
  let slowestHealthMs = 0;
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      // A reused keep-alive connection the gateway has just closed fails: ask again.
      await fetch(`${url}/health`).then(
        (res) => res.arrayBuffer(),
        () => undefined,
      );
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
    }
  })();
  const before = await sample(url);
  const started = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  done = true;
  await poller;
  const after = await sample(url);
  const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '-';
  return [
    `${res.status} ${code}`.padEnd(26),
    `${ms.toFixed(0).padStart(7)} ms`,
    `${((after.cpuS - before.cpuS) * 1000).toFixed(0).padStart(7)} ms CPU`,
    `rss ${after.rssMb.toFixed(0).padStart(5)} MB (${(after.rssMb - before.rssMb).toFixed(0).padStart(4)})`,
    `error body ${String(text.length).padStart(7)} B`,
    `slowest /health ${slowestHealthMs.toFixed(0).padStart(6)} ms`,
  ].join('  ');
}

async function main(): Promise<void> {
  const ollama = await new FakeOllama({ models: [MODEL] }).start();
  const gateway = await startBuiltOllamaGateway(ollama.url, MODEL, { AUTH_MODE: 'none' });
  try {
    for (const [name, body] of BODIES) {
      for (let round = 1; round <= 3; round += 1) {
        console.log(`${name.padEnd(20)} #${round}  ${await attempt(gateway.url, body)}`);
      }
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
