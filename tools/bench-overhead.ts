/**
 * `npm run bench:overhead`: what the gateway costs next to the least a proxy can cost, in one run on one
 * machine. Five targets answer the same requests: the fake Ollama itself, a bare Node proxy in front of
 * it, a Nest + Express hello-world route (the framework's own ceiling, no upstream), a Nest + Express
 * route that proxies generations with nothing else (the framework's ceiling for this gateway's work)
 * and the gateway in front of the same fake Ollama. Each is measured at saturation (autocannon, 50
 * connections, BENCH_ROUNDS rounds with the targets in turn, medians reported), one request at a time
 * on a keep-alive connection (added latency vs direct) and, streaming, until the first token.
 * Every server runs in its own process; only ratios within one run mean anything.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { postLoad, startBuiltOllamaGateway } from './bench-gateway';
import { GATEWAY_BENCH_ENV } from './bench-overhead-env';
import { startChildServer } from './bench/child-server';
import { BENCH_MODEL, FIRST_TOKEN } from './bench/fake-ollama-server';
import { percentile, timedPost } from './bench/http-timing';
import { processCpuMs } from './bench/process-cpu';
import { barChartSvg } from './bench/svg-chart';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
/** Saturation rounds: every target once per round, in a rotated order; medians are reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1000);
const STREAMED = Number(process.env.BENCH_STREAMED ?? 300);
const CHART = process.env.BENCH_CHART ?? join(tmpdir(), 'bench-overhead.svg');
const ONLY = process.env.BENCH_TARGETS?.split(',');
const BASELINE_DIST = process.env.BENCH_BASELINE_DIST;
const VARIANT_NODE_ARGS = process.env.BENCH_VARIANT_NODE_ARGS;
const PROMPT = 'Explain Kubernetes in simple terms:';

interface Target {
  name: string;
  url: string;
  body: object;
  /** Streaming request for the time to first token; none for the hello-world route. */
  streamBody?: object;
  /** The process that answers, for its CPU time per request. */
  pid?: number;
}

interface Measured {
  rps: number;
  /** Median over the rounds of this target's req/s divided by the bare proxy's in the same round. */
  xProxy: number;
  /** CPU time of the target's process per request at saturation, in µs. */
  cpuUs: number;
  errors: number;
  p50: number;
  p99: number;
  ttft50: number;
  ttft99: number;
}

/** Saturation one target after the other; latency and first token one request per target in turn. */
async function measureAll(targets: Target[]): Promise<Measured[]> {
  for (const target of targets) {
    await postLoad(target.url, target.body, CONNECTIONS, 2); // warm-up: JIT, connection pools
  }
  // rounds[r][t]: target t in round r. Each round starts one target further on, so that no target
  // always runs first or last; on a shared machine a round-to-round swing of a third is common.
  const rounds: Array<Array<{ rps: number; cpuUs: number; errors: number }>> = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const results: Array<{ rps: number; cpuUs: number; errors: number }> = [];
    for (let i = 0; i < targets.length; i += 1) {
      const index = (i + round) % targets.length;
      results[index] = await saturate(targets[index]);
    }
    rounds.push(results);
  }
  const proxyIndex = targets.findIndex((t) => t.name === 'bare Node proxy');
  // Interleaved, so that every target sees the same moments of a noisy machine.
  const latencies = targets.map((): number[] => []);
  const firsts = targets.map((): number[] => []);
  const payloads = targets.map((t) => JSON.stringify(t.body));
  const streamPayloads = targets.map((t) => (t.streamBody ? JSON.stringify(t.streamBody) : undefined));
  for (let i = 0; i < Math.max(SEQUENTIAL, STREAMED); i += 1) {
    for (const [index, target] of targets.entries()) {
      if (i < SEQUENTIAL) {
        latencies[index].push((await timedPost(target.url, payloads[index])).totalMs);
      }
      const streamed = streamPayloads[index];
      if (i < STREAMED && streamed !== undefined) {
        firsts[index].push((await timedPost(target.url, streamed, FIRST_TOKEN)).markerMs ?? NaN);
      }
    }
  }
  return targets.map((_, index) => ({
    rps: median(rounds.map((round) => round[index].rps)),
    xProxy: proxyIndex < 0 ? NaN : median(rounds.map((round) => round[index].rps / round[proxyIndex].rps)),
    cpuUs: median(rounds.map((round) => round[index].cpuUs)),
    errors: rounds.reduce((sum, round) => sum + round[index].errors, 0),
    p50: percentile(latencies[index], 50),
    p99: percentile(latencies[index], 99),
    ttft50: percentile(firsts[index], 50),
    ttft99: percentile(firsts[index], 99),
  }));
}

async function saturate(target: Target): Promise<{ rps: number; cpuUs: number; errors: number }> {
  const before = processCpuMs(target.pid);
  const load = await postLoad(target.url, target.body, CONNECTIONS, DURATION_S);
  const after = processCpuMs(target.pid);
  return {
    rps: load.requests.average,
    cpuUs:
      before === undefined || after === undefined ? NaN : ((after - before) * 1000) / load.requests.total,
    errors: load.errors + load.non2xx,
  };
}

function median(values: number[]): number {
  return percentile(values, 50);
}

async function main(): Promise<void> {
  const ollama = await startChildServer('fake-ollama-server.ts');
  const proxy = await startChildServer('bare-proxy.ts', { UPSTREAM_URL: ollama.url });
  const hello = await startChildServer('nest-hello.ts');
  const nestProxy = await startChildServer('nest-proxy.ts', {
    UPSTREAM_URL: ollama.url,
    MODEL_NAME: BENCH_MODEL,
  });
  const gateway = await startBuiltOllamaGateway(ollama.url, BENCH_MODEL, GATEWAY_BENCH_ENV);
  // BENCH_BASELINE_DIST: another build of the gateway (e.g. from before a change), measured alongside.
  const baseline = BASELINE_DIST
    ? await startBuiltOllamaGateway(ollama.url, BENCH_MODEL, GATEWAY_BENCH_ENV, BASELINE_DIST)
    : undefined;
  // BENCH_VARIANT_NODE_ARGS: the same build again, with these Node flags (e.g. V8 heap settings).
  const variant =
    VARIANT_NODE_ARGS === undefined
      ? undefined
      : await startBuiltOllamaGateway(
          ollama.url,
          BENCH_MODEL,
          GATEWAY_BENCH_ENV,
          undefined,
          VARIANT_NODE_ARGS.split(' ').filter(Boolean),
        );
  const native = { model: BENCH_MODEL, prompt: PROMPT };
  const gatewayTarget = (name: string, { url, pid }: { url: string; pid?: number }): Target => ({
    name,
    pid,
    url: `${url}/v1/generate`,
    body: { prompt: PROMPT, max_tokens: 64 },
    streamBody: { prompt: PROMPT, max_tokens: 64, stream: true },
  });
  const targets: Target[] = [
    {
      name: 'fake Ollama, direct',
      url: `${ollama.url}/api/generate`,
      body: native,
      streamBody: native,
      pid: ollama.process.pid,
    },
    {
      name: 'bare Node proxy',
      url: `${proxy.url}/api/generate`,
      body: native,
      streamBody: native,
      pid: proxy.process.pid,
    },
    {
      name: 'Nest + Express hello',
      url: `${hello.url}/v1/generate`,
      body: { prompt: PROMPT },
      pid: hello.process.pid,
    },
    {
      name: 'Nest + Express proxy',
      url: `${nestProxy.url}/v1/generate`,
      body: { prompt: PROMPT, max_tokens: 64 },
      streamBody: { prompt: PROMPT, max_tokens: 64, stream: true },
      pid: nestProxy.process.pid,
    },
    ...(baseline ? [gatewayTarget('gateway, baseline build', baseline)] : []),
    ...(variant ? [gatewayTarget('gateway, variant flags', variant)] : []),
    gatewayTarget('gateway', gateway),
  ].filter((target) => !ONLY || ONLY.some((name) => target.name.includes(name)));
  try {
    report(targets, await measureAll(targets));
  } finally {
    await Promise.all([
      gateway.stop(),
      baseline?.stop(),
      variant?.stop(),
      hello.stop(),
      nestProxy.stop(),
      proxy.stop(),
    ]);
    await ollama.stop();
  }
}

function report(targets: Target[], results: Measured[]): void {
  const direct = results[targets.findIndex((t) => t.name.includes('direct'))];
  const proxy = results[targets.findIndex((t) => t.name === 'bare Node proxy')];
  const nestProxy = results[targets.findIndex((t) => t.name === 'Nest + Express proxy')];
  const cell = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
  console.log(
    `\n${CONNECTIONS} connections x ${DURATION_S} s for req/s (median of ${ROUNDS} rounds); ${SEQUENTIAL} sequential keep-alive requests ` +
      `for latency; ${STREAMED} streamed requests for time to first token (ms)`,
  );
  console.log(
    'target                     req/s  x proxy  cpu µs/req  errors   p50    p99  +p50   +p99   ttft50 ttft99 +ttft50',
  );
  targets.forEach((target, i) => {
    const r = results[i];
    console.log(
      [
        target.name.padEnd(24),
        r.rps.toFixed(0).padStart(7),
        cell(r.xProxy).padStart(8),
        cell(r.cpuUs, 0).padStart(11),
        String(r.errors).padStart(7),
        cell(r.p50).padStart(6),
        cell(r.p99).padStart(6),
        cell(direct ? r.p50 - direct.p50 : NaN).padStart(5),
        cell(direct ? r.p99 - direct.p99 : NaN).padStart(6),
        cell(r.ttft50).padStart(8),
        cell(r.ttft99).padStart(6),
        cell(direct ? r.ttft50 - direct.ttft50 : NaN).padStart(7),
      ].join(' '),
    );
  });
  const gateway = results[targets.findIndex((t) => t.name === 'gateway')];
  if (gateway && proxy && direct) {
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    const ratio = gateway.xProxy;
    console.log(
      `gateway / bare proxy throughput: ${ratio.toFixed(3)} (target >= 0.35: ${verdict(ratio >= 0.35)})`,
    );
    console.log(
      `CPU per request, gateway / bare proxy: ${(gateway.cpuUs / proxy.cpuUs).toFixed(2)}x ` +
        `(the server process alone: what throughput would be on a machine where the load generator ` +
        `and the upstream do not share its cores)`,
    );
    if (nestProxy) {
      console.log(
        `gateway / Nest + Express proxy: ${(gateway.rps / nestProxy.rps).toFixed(2)}x the throughput, ` +
          `${(gateway.cpuUs / nestProxy.cpuUs).toFixed(2)}x the CPU per request (what the product adds to ` +
          `the least this framework costs for the same work)`,
      );
    }
    const p50 = gateway.p50 - direct.p50;
    const p99 = gateway.p99 - direct.p99;
    const ttft = gateway.ttft50 - direct.ttft50;
    console.log(`gateway added p50 ${p50.toFixed(2)} ms (target <= 0.5: ${verdict(p50 <= 0.5)})`);
    console.log(`gateway added p99 ${p99.toFixed(2)} ms (target <= 2: ${verdict(p99 <= 2)})`);
    console.log(
      `gateway added time to first token p50 ${ttft.toFixed(2)} ms (target <= 1: ${verdict(ttft <= 1)})`,
    );
  }
  const added = (pick: (r: Measured) => number): number[] =>
    results.map((r) => (direct && r !== direct ? pick(r) - pick(direct) : NaN));
  const svg = barChartSvg(
    `bench:overhead — ${CONNECTIONS} connections, 16-token answers, same machine, same run`,
    targets.map((t) => t.name),
    [
      {
        title: 'Saturation',
        unit: 'req/s',
        series: [{ label: 'req/s', color: '#4477aa', values: results.map((r) => r.rps) }],
      },
      {
        title: 'Added latency vs direct',
        unit: 'ms',
        series: [
          { label: 'p50', color: '#66ccee', values: added((r) => r.p50) },
          { label: 'p99', color: '#ee6677', values: added((r) => r.p99) },
          { label: 'TTFT p50', color: '#228833', values: added((r) => r.ttft50) },
        ],
      },
    ],
  );
  writeFileSync(CHART, svg);
  console.log(`chart: ${CHART}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
