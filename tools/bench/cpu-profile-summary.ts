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
 * Only the busiest stretch of the profile between two idle gaps of `gapMs` counts: the load, without
 * start-up (module loading, compilation) or a heap snapshot taken after it.
 */
export function summariseCpuProfile(
  path: string,
  gapMs = 1500,
): { busyMs: number; windowMs: number; rows: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const components = profile.samples.map((id) => componentOf(byId.get(id)!.callFrame));
  const segments: Array<{ from: number; to: number; busyUs: number }> = [];
  let current = { from: 0, to: 0, busyUs: 0 };
  let idleUs = 0;
  components.forEach((component, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (component === '(idle)') {
      idleUs += us;
      if (idleUs >= gapMs * 1000 && current.busyUs > 0) {
        segments.push(current);
        current = { from: i + 1, to: i + 1, busyUs: 0 };
      }
      return;
    }
    if (idleUs >= gapMs * 1000) {
      current = { from: i, to: i, busyUs: 0 };
    }
    idleUs = 0;
    current.busyUs += us;
    current.to = i + 1;
  });
  segments.push(current);
  const load = segments.reduce((best, segment) => (segment.busyUs > best.busyUs ? segment : best));
  const selfUs = new Map<string, number>();
  let windowUs = 0;
  for (let i = load.from; i < load.to; i += 1) {
    const us = profile.timeDeltas[i] ?? 0;
    windowUs += us;
    selfUs.set(components[i], (selfUs.get(components[i]) ?? 0) + us);
  }
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const rows = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]): [string, number] => [name, us / 1000]);
  return { busyMs: busyUs / 1000, windowMs: windowUs / 1000, rows };
}
