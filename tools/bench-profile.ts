/**
 * `npm run bench:profile`: where the gateway's CPU time and memory go under load. Runs the built gateway
 * with `--cpu-prof` against the fake Ollama, loads it (autocannon, BENCH_CONNECTIONS, BENCH_DURATION_S),
 * takes a heap snapshot right after the load, then prints self time per component (our libraries,
 * each package, Node's own layers, garbage collection) with the CPU cost per request, and the largest
 * object types on the heap. The raw files stay in BENCH_PROFILE_DIR for Chrome DevTools.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { postLoad, startBuiltOllamaGateway } from './bench-gateway';
import { GATEWAY_BENCH_ENV } from './bench-overhead-env';
import { imageCommand } from './image-command';
import { startChildServer } from './bench/child-server';
import { summariseCpuProfile } from './bench/cpu-profile-summary';
import { BENCH_MODEL } from './bench/fake-ollama-server';
import { summariseHeapSnapshot } from './bench/heap-summary';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DIR = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), `gateway-profile-${Date.now()}`);

const newest = (suffix: string): string | undefined =>
  readdirSync(DIR)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(DIR, name))
    .pop();

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  process.env.GATEWAY_NODE_ARGS = `${imageCommand().nodeFlags.join(' ')} --cpu-prof --cpu-prof-dir=${DIR} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${DIR}`;
  const ollama = await startChildServer('fake-ollama-server.ts');
  const gateway = await startBuiltOllamaGateway(ollama.url, BENCH_MODEL, GATEWAY_BENCH_ENV);
  let requests = 0;
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3000));
  try {
    await pause(); // idle gaps around the load let the summary cut start-up and the snapshot off
    const body = { prompt: 'Explain Kubernetes in simple terms:', max_tokens: 64 };
    const result = await postLoad(`${gateway.url}/v1/generate`, body, CONNECTIONS, DURATION_S);
    requests = result.requests.total;
    console.log(`${requests} requests in ${DURATION_S} s (${result.requests.average.toFixed(0)} req/s)`);
    await pause();
    process.kill(gateway.pid!, 'SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 8000)); // the snapshot blocks the process a while
  } finally {
    await gateway.stop();
    await ollama.stop();
  }
  const cpu = newest('.cpuprofile');
  if (cpu) {
    const { busyMs, windowMs, rows } = summariseCpuProfile(cpu);
    console.log(
      `\nCPU during the load (${cpu}): ${busyMs.toFixed(0)} ms busy in ${windowMs.toFixed(0)} ms, ` +
        `${((busyMs / requests) * 1000).toFixed(0)} µs per request`,
    );
    for (const [name, ms] of rows.slice(0, 25)) {
      console.log(
        `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`,
      );
    }
  }
  const heap = newest('.heapsnapshot');
  if (heap) {
    const rows = summariseHeapSnapshot(heap);
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    console.log(`\nHeap after the load (${heap}): ${(total / 1e6).toFixed(1)} MB in objects`);
    for (const row of rows.slice(0, 20)) {
      console.log(
        `${(row.bytes / 1e6).toFixed(2).padStart(8)} MB  ${String(row.count).padStart(8)}  ${row.name}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
