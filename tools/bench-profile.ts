/**
 * `npm run bench:profile`: where the gateway's CPU time and memory go under load. Runs the built gateway
 * with `--cpu-prof` against the fake Ollama, loads it (autocannon, BENCH_CONNECTIONS, BENCH_DURATION_S),
 * takes a heap snapshot right after the load, then prints self time per component (our libraries,
 * each package, Node's own layers, garbage collection) with the CPU cost per request, and the largest
 * object types on the heap. The Nest + Express proxy of `bench:overhead` is profiled under the same load
 * with the same Node flags, and each component's cost per request is printed for both: what the
 * product's features add to the least this framework spends on the same proxying. A second gateway is
 * then loaded the same way under V8's sampling heap
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
import { compareComponents, summariseCpuProfile } from './bench/cpu-profile-summary';
import { BENCH_MODEL } from './bench/fake-ollama-server';
import { summariseHeapSnapshot } from './bench/heap-summary';
import { summariseAllocations } from './bench/allocation-summary';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ALLOCATION_S = Number(process.env.BENCH_ALLOCATION_S ?? 5);
const DIR = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), `gateway-profile-${Date.now()}`);

const newest = (dir: string, suffix: string): string | undefined =>
  readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name))
    .pop();

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const BODY = { prompt: 'Explain Kubernetes in simple terms:', max_tokens: 64 };

interface CpuRun {
  requests: number;
  busyMs: number;
  windowMs: number;
  rows: Array<[string, number]>;
  file: string;
}

/**
 * Loads a server started with `--cpu-prof` into `dir` and summarises its profile once it has exited.
 * Idle gaps around the load let the summary cut start-up (and what `afterLoad` does) off.
 */
async function profileUnderLoad(
  dir: string,
  server: { url: string; stop: () => Promise<void> },
  afterLoad: () => Promise<void> = async () => {},
): Promise<CpuRun> {
  let requests = 0;
  try {
    await pause(3000);
    const result = await postLoad(`${server.url}/v1/generate`, BODY, CONNECTIONS, DURATION_S);
    requests = result.requests.total;
    console.log(`${requests} requests in ${DURATION_S} s (${result.requests.average.toFixed(0)} req/s)`);
    await pause(3000);
    await afterLoad();
  } finally {
    await server.stop();
  }
  const file = newest(dir, '.cpuprofile');
  if (!file) {
    throw new Error(`no CPU profile was written to ${dir}`);
  }
  return { requests, file, ...summariseCpuProfile(file) };
}

async function main(): Promise<void> {
  const nodeFlags = imageCommand().nodeFlags;
  const cpuProfiling = (dir: string): string[] => {
    mkdirSync(dir, { recursive: true });
    return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  };
  const ollama = await startChildServer('fake-ollama-server.ts');
  let gatewayRun: CpuRun;
  let floorRun: CpuRun;
  try {
    const gateway = await startBuiltOllamaGateway(ollama.url, BENCH_MODEL, GATEWAY_BENCH_ENV, undefined, [
      ...nodeFlags,
      ...cpuProfiling(DIR),
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${DIR}`,
    ]);
    gatewayRun = await profileUnderLoad(DIR, gateway, async () => {
      process.kill(gateway.pid!, 'SIGUSR2');
      await pause(8000); // the snapshot blocks the process a while
    });
    const floorDir = join(DIR, 'nest-proxy');
    const floor = await startChildServer(
      'nest-proxy.ts',
      { UPSTREAM_URL: ollama.url, MODEL_NAME: BENCH_MODEL },
      undefined,
      [...nodeFlags, ...cpuProfiling(floorDir)],
    );
    floorRun = await profileUnderLoad(floorDir, floor);
  } finally {
    await ollama.stop();
  }
  const { busyMs, windowMs, rows, requests, file } = gatewayRun;
  console.log(
    `\nCPU during the load (${file}): ${busyMs.toFixed(0)} ms busy in ${windowMs.toFixed(0)} ms, ` +
      `${((busyMs / requests) * 1000).toFixed(0)} µs per request`,
  );
  for (const [name, ms] of rows.slice(0, 25)) {
    console.log(`${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
  printAddedToFloor(floorRun, gatewayRun);
  await profileAllocations(join(DIR, 'allocations.heapprofile'));
  const heap = newest(DIR, '.heapsnapshot');
  if (heap) {
    const heapRows = summariseHeapSnapshot(heap);
    const total = heapRows.reduce((sum, row) => sum + row.bytes, 0);
    console.log(`\nHeap after the load (${heap}): ${(total / 1e6).toFixed(1)} MB in objects`);
    for (const row of heapRows.slice(0, 20)) {
      console.log(
        `${(row.bytes / 1e6).toFixed(2).padStart(8)} MB  ${String(row.count).padStart(8)}  ${row.name}`,
      );
    }
  }
}

/**
 * The gateway against the Nest + Express proxy (`tools/bench/nest-proxy.ts`), profiled under the same
 * load with the same Node flags: which components the product's features cost, on top of the least this
 * framework spends on the same proxying.
 */
function printAddedToFloor(floor: CpuRun, gateway: CpuRun): void {
  const perRequest = (run: CpuRun): number => (run.busyMs / run.requests) * 1000;
  console.log(
    `\nCPU per request against the Nest + Express proxy under the same load (${floor.file}): ` +
      `${perRequest(floor).toFixed(0)} µs there, ${perRequest(gateway).toFixed(0)} µs in the gateway ` +
      `(${(perRequest(gateway) / perRequest(floor)).toFixed(2)}x)`,
  );
  console.log(
    `${'component'.padEnd(34)} ${'proxy µs'.padStart(9)} ${'gateway µs'.padStart(11)} ${'added'.padStart(7)}`,
  );
  const comparison = compareComponents(floor, gateway);
  const shown = comparison.filter(({ baseUs, targetUs }) => Math.abs(targetUs - baseUs) >= 2);
  const rest = comparison.filter((row) => !shown.includes(row));
  const format = (name: string, baseUs: number, targetUs: number): string =>
    `${name.padEnd(34)} ${baseUs.toFixed(0).padStart(9)} ${targetUs.toFixed(0).padStart(11)} ` +
    `${(targetUs - baseUs >= 0 ? '+' : '') + (targetUs - baseUs).toFixed(0)}`.padStart(7);
  for (const { name, baseUs, targetUs } of shown) {
    console.log(format(name, baseUs, targetUs));
  }
  const sum = (rows: typeof rest, key: 'baseUs' | 'targetUs'): number =>
    rows.reduce((a, row) => a + row[key], 0);
  console.log(format(`${rest.length} others, within 2 µs each`, sum(rest, 'baseUs'), sum(rest, 'targetUs')));
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
  let requests = 0;
  try {
    await postLoad(`${gateway.url}/v1/generate`, BODY, CONNECTIONS, 2); // warm-up, not sampled
    process.kill(gateway.pid!, 'SIGWINCH');
    requests = (await postLoad(`${gateway.url}/v1/generate`, BODY, CONNECTIONS, ALLOCATION_S)).requests.total;
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
