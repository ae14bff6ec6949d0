/**
 * `npm run bench:profile`: where the gateway's CPU time and memory go under load. Runs the built gateway
 * with `--cpu-prof` against the fake Ollama, loads it (autocannon, BENCH_CONNECTIONS, BENCH_DURATION_S),
 * takes a heap snapshot right after the load, then prints self time per component (our libraries,
 * each package, Node's own layers, garbage collection) with the CPU cost per request, and the largest
 * object types on the heap. A second gateway is then loaded the same way under V8's sampling heap
 * profiler (BENCH_ALLOCATION_S seconds; it slows the gateway down, hence its own run) to print the bytes
 * each request allocates, per component and per function: what the garbage collector has to clear.
 * With ALLOCATION_SURVIVORS=1 it counts only what outlived the young generation instead: what fills the
 * old generation between major collections, and so sets the resident memory under load.
 * The raw files stay in BENCH_PROFILE_DIR for Chrome DevTools.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { postLoad, startBuiltOllamaGateway } from './bench-gateway';
import { GATEWAY_BENCH_ENV } from './bench-overhead-env';
import { imageCommand } from './image-command';
import { startChildServer } from './bench/child-server';
import { summariseCpuProfile } from './bench/cpu-profile-summary';
import { BENCH_MODEL } from './bench/fake-ollama-server';
import { summariseHeapSnapshot } from './bench/heap-summary';
import { summariseAllocations } from './bench/allocation-summary';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ALLOCATION_S = Number(process.env.BENCH_ALLOCATION_S ?? 5);
const DIR = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), `gateway-profile-${Date.now()}`);

const newest = (suffix: string): string | undefined =>
  readdirSync(DIR)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(DIR, name))
    .pop();

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const profiling = [
    `--cpu-prof`,
    `--cpu-prof-dir=${DIR}`,
    '--heapsnapshot-signal=SIGUSR2',
    `--diagnostic-dir=${DIR}`,
  ];
  const ollama = await startChildServer('fake-ollama-server.ts');
  const gateway = await startBuiltOllamaGateway(ollama.url, BENCH_MODEL, GATEWAY_BENCH_ENV, undefined, [
    ...imageCommand().nodeFlags,
    ...profiling,
  ]);
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
  await profileAllocations(join(DIR, 'allocations.heapprofile'));
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

/** Bytes allocated per request under load, by component and by function (sampled). */
async function profileAllocations(output: string): Promise<void> {
  const sampler = join(__dirname, 'bench', 'allocation-sampler.ts');
  const ollama = await startChildServer('fake-ollama-server.ts');
  const gateway = await startBuiltOllamaGateway(
    ollama.url,
    BENCH_MODEL,
    { ...GATEWAY_BENCH_ENV, ALLOCATION_PROFILE: output },
    undefined,
    [...imageCommand().nodeFlags, '-r', 'ts-node/register/transpile-only', '-r', sampler],
  );
  const body = { prompt: 'Explain Kubernetes in simple terms:', max_tokens: 64 };
  let requests = 0;
  try {
    await postLoad(`${gateway.url}/v1/generate`, body, CONNECTIONS, 2); // warm-up, not sampled
    process.kill(gateway.pid!, 'SIGWINCH');
    requests = (await postLoad(`${gateway.url}/v1/generate`, body, CONNECTIONS, ALLOCATION_S)).requests.total;
    process.kill(gateway.pid!, 'SIGWINCH');
    await waitFor(() => existsSync(output), 30_000);
  } finally {
    await gateway.stop();
    await ollama.stop();
  }
  const { totalBytes, components, functions } = summariseAllocations(output);
  const perRequest = (bytes: number): string => `${(bytes / requests / 1024).toFixed(1).padStart(6)} KB`;
  console.log(
    `\nAllocated during ${requests} requests under the sampling heap profiler (${output}): ` +
      `${perRequest(totalBytes).trim()} per request`,
  );
  for (const [name, bytes] of components.slice(0, 15)) {
    console.log(`${perRequest(bytes)}  ${name}`);
  }
  console.log('largest allocating functions, per request:');
  for (const [name, bytes] of functions.slice(0, 15)) {
    console.log(`${perRequest(bytes)}  ${name}`);
  }
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error('the allocation profile was not written in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
