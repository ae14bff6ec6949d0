import { readFileSync } from 'node:fs';

import { componentOf } from './cpu-profile-summary';

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: AllocationNode[];
}

export interface AllocationSummary {
  totalBytes: number;
  /** Bytes allocated per component (as in the CPU summary), largest first. */
  components: Array<[string, number]>;
  /** Bytes allocated per function (`name file:line`), largest first. */
  functions: Array<[string, number]>;
}

/** Sums a sampling heap profile (`.heapprofile`) by component and by allocating function. */
export function summariseAllocations(path: string): AllocationSummary {
  const { head } = JSON.parse(readFileSync(path, 'utf8')) as { head: AllocationNode };
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalBytes = 0;
  const visit = (node: AllocationNode): void => {
    const { callFrame, selfSize } = node;
    if (selfSize > 0) {
      totalBytes += selfSize;
      const component = componentOf(callFrame);
      components.set(component, (components.get(component) ?? 0) + selfSize);
      const file = callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
      const name = `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + selfSize);
    }
    node.children?.forEach(visit);
  };
  visit(head);
  const sorted = (map: Map<string, number>): Array<[string, number]> =>
    [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalBytes, components: sorted(components), functions: sorted(functions) };
}
