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

/** Self time per component, most expensive first, in ms and as a share of the busy (non-idle) time. */
export function summariseCpuProfile(path: string): { busyMs: number; rows: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const component = componentOf(byId.get(id)!.callFrame);
    selfUs.set(component, (selfUs.get(component) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const rows = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]): [string, number] => [name, us / 1000]);
  return { busyMs: busyUs / 1000, rows };
}
