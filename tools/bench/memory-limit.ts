import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A Kubernetes memory quantity in binary units (`512Mi`, `1Gi`, or plain bytes), in bytes. */
export function parseMemoryQuantity(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity.trim());
  if (!match) {
    throw new Error(`not a memory quantity like 512Mi: ${quantity}`);
  }
  return Number(match[1]) * UNITS[match[2] ?? ''];
}

/** Where memory cgroups are made, and the file that holds one's limit. */
export interface CgroupRoot {
  dir: string;
  limitFile: string;
}

/** Where a memory cgroup can be made: cgroup v2's unified tree, or v1's memory controller. */
export function cgroupRoot(): CgroupRoot | undefined {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    return { dir: '/sys/fs/cgroup', limitFile: 'memory.max' };
  }
  if (existsSync('/sys/fs/cgroup/memory/cgroup.procs')) {
    return { dir: '/sys/fs/cgroup/memory', limitFile: 'memory.limit_in_bytes' };
  }
  return undefined;
}

/**
 * `command args` wrapped so that it runs inside a memory cgroup limited to `bytes`, as a container
 * with that memory limit would: Node sizes its V8 heap from the limit it finds there (a 512Mi limit
 * gives a 256 MB old generation and 1 MB semi-spaces instead of the host's defaults). The shell moves
 * itself into the cgroup and then execs the command, so the process id stays the command's. `release`
 * removes the cgroup once no process is left in it (the last gateway of a run to stop does). Needs
 * Linux and the right to create cgroups (root); throws otherwise.
 */
export function underMemoryLimit(
  bytes: number,
  command: string,
  args: string[],
  root: CgroupRoot | undefined = cgroupRoot(),
): { command: string; args: string[]; release: () => void } {
  if (root === undefined) {
    throw new Error('BENCH_MEMORY_LIMIT needs a Linux cgroup filesystem at /sys/fs/cgroup');
  }
  const dir = join(root.dir, `llm-gateway-bench-${bytes}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, root.limitFile), String(bytes));
  } catch (error) {
    throw new Error(
      `BENCH_MEMORY_LIMIT could not set up the cgroup ${dir} (root is needed): ${String(error)}`,
    );
  }
  const release = (): void => {
    try {
      rmdirSync(dir);
    } catch {
      // Another gateway of the run is still inside it; the last one to stop removes it.
    }
  };
  return {
    command: '/bin/sh',
    args: ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, command, ...args],
    release,
  };
}
