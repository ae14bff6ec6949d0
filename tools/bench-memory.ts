/**
 * `npm run bench:memory`: the gateway's resident memory idle, after BENCH_REQUESTS requests at
 * saturation (autocannon, 50 connections; 100,000 by default) and over a soak at 80% of the rate just
 * measured (BENCH_SOAK_S, 30 s by default; 600 for the ten-minute soak), sampled as the gateway itself
 * exports it on /metrics. The fake Ollama runs in its own process. BENCH_MEMORY_LIMIT=512Mi runs the
 * gateway in a memory cgroup of that size, as a pod; BENCH_LIVE_HEAP=1 adds the live heap.
 */
import { join } from 'node:path';

import autocannon from 'autocannon';

import { startBuiltOllamaGateway, type BenchGateway } from './bench-gateway';
import { imageCommand } from './image-command';
import { processCpuMs } from './bench/process-cpu';
import { GATEWAY_BENCH_ENV } from './bench-overhead-env';
import { startChildServer } from './bench/child-server';
import { BENCH_MODEL } from './bench/fake-ollama-server';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 30);
const SAMPLES = Number(process.env.BENCH_SOAK_SAMPLES ?? 6);
const CONNECTIONS = 50;
const BASELINE_DIST = process.env.BENCH_BASELINE_DIST;
const VARIANT_NODE_ARGS = process.env.BENCH_VARIANT_NODE_ARGS;
// BENCH_LIVE_HEAP=1: also the live heap (in use right after a forced full collection) after the load and
// at the first and last soak samples; a leak shows there, without the sawtooth of the garbage.
const LIVE_HEAP = process.env.BENCH_LIVE_HEAP === '1';
const GC_PRELOAD = ['--expose-gc', '-r', join(__dirname, 'bench', 'full-gc-on-signal.js')];
const BODY = JSON.stringify({ prompt: 'Explain Kubernetes in simple terms:', max_tokens: 64 });

async function memory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const mb = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1e6;
  return { rss: mb('process_resident_memory_bytes'), heap: mb('nodejs_heap_size_used_bytes') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const line = (label: string, m: { rss: number; heap: number }, extra = ''): void =>
  console.log(
    `${label.padEnd(34)} rss ${m.rss.toFixed(1).padStart(6)} MB  heap used ${m.heap.toFixed(1).padStart(6)} MB ${extra}`,
  );

function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/v1/generate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    ...options,
  });
}

/** Heap in use right after a full collection (BENCH_LIVE_HEAP=1), in MB; NaN without it. */
async function liveHeap(gateway: BenchGateway): Promise<number> {
  if (!LIVE_HEAP || gateway.pid === undefined) {
    return NaN;
  }
  process.kill(gateway.pid, 'SIGWINCH');
  await sleep(500);
  return (await memory(gateway.url)).heap;
}

/** Idle, after REQUESTS at saturation, and over the soak, for `gateway`. */
async function measure(gateway: BenchGateway): Promise<void> {
  const { url } = gateway;
  await sleep(1000);
  const idle = await memory(url);
  line('idle', idle);
  const cpuBefore = processCpuMs(gateway.pid);
  const saturated = await load(url, { amount: REQUESTS });
  const cpuAfter = processCpuMs(gateway.pid);
  // What the heap settings cost: garbage collection is part of the server's CPU time (all threads).
  const cpuUs =
    cpuBefore === undefined || cpuAfter === undefined
      ? NaN
      : ((cpuAfter - cpuBefore) * 1000) / saturated.requests.total;
  const rate = saturated.requests.total / (saturated.duration || 1);
  const errors = saturated.errors + saturated.non2xx;
  await sleep(2000);
  const after = await memory(url);
  line(
    `after ${saturated.requests.total} requests`,
    after,
    `(${rate.toFixed(0)} req/s, ${cpuUs.toFixed(0)} µs CPU per request, ${errors} errors)`,
  );
  console.log(
    `rss ${after.rss.toFixed(1)} MB (target <= 150 MB), ${(after.rss - idle.rss).toFixed(1)} MB above idle`,
  );
  if (LIVE_HEAP) {
    console.log(`live heap after the load: ${(await liveHeap(gateway)).toFixed(1)} MB`);
  }
  if (SOAK_S <= 0) {
    return;
  }
  const soakRate = Math.max(1, Math.floor(rate * 0.8));
  console.log(`soak: ${SOAK_S} s at ${soakRate} req/s (80% of saturation)`);
  const samples: Array<{ rss: number; heap: number }> = [];
  const live: number[] = [];
  const soak = load(url, { duration: SOAK_S, overallRate: soakRate });
  for (let i = 1; i <= SAMPLES; i += 1) {
    await sleep((SOAK_S * 1000) / SAMPLES - 50);
    const sample = await memory(url);
    samples.push(sample);
    line(`  soak ${((i * SOAK_S) / SAMPLES).toFixed(0)} s`, sample);
    if (i === 1 || i === SAMPLES) {
      live.push(await liveHeap(gateway));
    }
  }
  const soaked = await soak;
  const growth = ((samples[samples.length - 1].rss - samples[0].rss) / samples[0].rss) * 100;
  console.log(
    `soak: ${soaked.requests.total} requests, ${soaked.errors + soaked.non2xx} errors; rss growth from the ` +
      `first to the last sample ${growth.toFixed(1)}% (target < 5%)`,
  );
  if (LIVE_HEAP) {
    console.log(
      `live heap at the first and last soak samples: ${live[0].toFixed(1)} -> ${live[live.length - 1].toFixed(1)} MB`,
    );
  }
  // The heap's sawtooth (garbage between major collections) moves single samples by ±10%: the medians of
  // each half, and the smallest heap seen in each half (what survived a major collection), show a trend.
  const half = Math.floor(samples.length / 2);
  const [early, late] = [samples.slice(0, half), samples.slice(half)];
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rssEarly = median(early.map((m) => m.rss));
  const rssLate = median(late.map((m) => m.rss));
  const heapEarly = Math.min(...early.map((m) => m.heap));
  const heapLate = Math.min(...late.map((m) => m.heap));
  console.log(
    `soak, first half against second half: median rss ${rssEarly.toFixed(1)} -> ${rssLate.toFixed(1)} MB ` +
      `(${(((rssLate - rssEarly) / rssEarly) * 100).toFixed(1)}%), smallest heap used ` +
      `${heapEarly.toFixed(1)} -> ${heapLate.toFixed(1)} MB`,
  );
}

async function main(): Promise<void> {
  const ollama = await startChildServer('fake-ollama-server.ts');
  try {
    // BENCH_BASELINE_DIST: another build (e.g. from before a change), measured first in the same run.
    // BENCH_VARIANT_NODE_ARGS: this build again, with these Node flags (e.g. V8 heap settings).
    const builds: Array<{ name: string; dist?: string; nodeArgs?: string[] }> = [
      ...(BASELINE_DIST ? [{ name: 'baseline build', dist: BASELINE_DIST }] : []),
      ...(VARIANT_NODE_ARGS === undefined
        ? []
        : [
            {
              name: `gateway, ${VARIANT_NODE_ARGS || 'no Node flags'}`,
              nodeArgs: VARIANT_NODE_ARGS.split(' ').filter(Boolean),
            },
          ]),
      { name: 'gateway' },
    ];
    for (const build of builds) {
      console.log(`\n${build.name}`);
      const gateway = await startBuiltOllamaGateway(
        ollama.url,
        BENCH_MODEL,
        GATEWAY_BENCH_ENV,
        build.dist,
        LIVE_HEAP ? [...(build.nodeArgs ?? imageCommand().nodeFlags), ...GC_PRELOAD] : build.nodeArgs,
      );
      try {
        await measure(gateway);
      } finally {
        await gateway.stop();
      }
    }
  } finally {
    await ollama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
