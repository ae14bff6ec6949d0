import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the process a function belongs to, from its script URL. */
export function componentOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : 'native / V8 builtins';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    return pkg[1];
  }
  const own = /\/(apps\/[^/]+\/src\/[^/.]+|libs\/[^/]+\/src(?:\/(?:ollama|embedded))?)/.exec(url);
  if (own) {
    return `gateway ${own[1]}`;
  }
  if (url.includes('/tools/bench/')) {
    return 'benchmark server (tools/bench)';
  }
  if (functionName === 'writeHeapSnapshot') {
    return '(heap snapshot)';
  }
  if (url.startsWith('node:internal/modules')) {
    return 'node module loading';
  }
  if (url.startsWith('node:')) {
    if (/_http_|internal\/http|node:http/.test(url)) {
      return 'node http';
    }
    if (/stream/.test(url)) {
      return 'node streams';
    }
    if (/async_hooks|async_local|promise_hooks/.test(url)) {
      return 'node async hooks';
    }
    if (/net|dns|tcp/.test(url)) {
      return 'node net';
    }
    return 'node other';
  }
  return url;
}

/**
 * Self time per component, most expensive first, in ms and as a share of the busy (non-idle) time.
 * Only the busiest stretch of the profile between two quiet gaps (at least `gapMs` mostly idle) counts:
 * the load, without start-up (module loading, compilation) or a heap snapshot taken after it.
 */
export function summariseCpuProfile(
  path: string,
  gapMs = 1000,
): { busyMs: number; windowMs: number; fromMs: number; rows: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const components = profile.samples.map((id) => componentOf(byId.get(id)!.callFrame));
  // 250 ms buckets; a bucket under 20% busy is quiet, and enough quiet buckets in a row make a gap.
  const bucketUs = 250_000;
  const bucketOf: number[] = [];
  const busyPerBucket: number[] = [];
  let clock = 0;
  components.forEach((component, i) => {
    clock += profile.timeDeltas[i] ?? 0;
    const bucket = Math.floor(clock / bucketUs);
    bucketOf.push(bucket);
    if (component !== '(idle)') {
      busyPerBucket[bucket] = (busyPerBucket[bucket] ?? 0) + (profile.timeDeltas[i] ?? 0);
    }
  });
  const quiet = (bucket: number): boolean => (busyPerBucket[bucket] ?? 0) < bucketUs * 0.2;
  const gapBuckets = Math.ceil((gapMs * 1000) / bucketUs);
  const segments: Array<{ from: number; to: number; busyUs: number }> = [];
  let start = 0;
  let quietRun = 0;
  const buckets = (bucketOf[bucketOf.length - 1] ?? 0) + 1;
  for (let bucket = 0; bucket <= buckets; bucket += 1) {
    quietRun = bucket < buckets && quiet(bucket) ? quietRun + 1 : quietRun;
    if (bucket === buckets || (quietRun >= gapBuckets && !quiet(bucket + 1))) {
      let busyUs = 0;
      for (let b = start; b < bucket; b += 1) {
        busyUs += busyPerBucket[b] ?? 0;
      }
      segments.push({ from: start, to: bucket, busyUs });
      start = bucket + 1;
    }
    if (!quiet(bucket)) {
      quietRun = 0;
    }
  }
  const load = segments.reduce((best, segment) => (segment.busyUs > best.busyUs ? segment : best));
  const selfUs = new Map<string, number>();
  let windowUs = 0;
  components.forEach((component, i) => {
    if (bucketOf[i] < load.from || bucketOf[i] >= load.to) {
      return;
    }
    const us = profile.timeDeltas[i] ?? 0;
    windowUs += us;
    selfUs.set(component, (selfUs.get(component) ?? 0) + us);
  });
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const rows = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]): [string, number] => [name, us / 1000]);
  return { busyMs: busyUs / 1000, windowMs: windowUs / 1000, fromMs: (load.from * bucketUs) / 1000, rows };
}

/** One component's self time per request in two profiles, in µs. */
export interface ComponentComparison {
  name: string;
  baseUs: number;
  targetUs: number;
}

/**
 * Self time per request of every component in a base profile and a target profile (rows in ms, as
 * summariseCpuProfile gives them, each divided by the requests served while it was taken), the
 * components that cost the target the most over the base first.
 */
export function compareComponents(
  base: { rows: Array<[string, number]>; requests: number },
  target: { rows: Array<[string, number]>; requests: number },
): ComponentComparison[] {
  const perRequest = (rows: Array<[string, number]>, requests: number): Map<string, number> =>
    new Map(rows.map(([name, ms]) => [name, (ms * 1000) / requests]));
  const baseUs = perRequest(base.rows, base.requests);
  const targetUs = perRequest(target.rows, target.requests);
  const names = new Set([...baseUs.keys(), ...targetUs.keys()]);
  return [...names]
    .map((name) => ({ name, baseUs: baseUs.get(name) ?? 0, targetUs: targetUs.get(name) ?? 0 }))
    .sort((a, b) => b.targetUs - b.baseUs - (a.targetUs - a.baseUs));
}
