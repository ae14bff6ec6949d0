import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ, 100 on every common kernel). */
const USER_HZ = 100;

/**
 * CPU time (user + system, all threads: garbage collection and libuv's pool included) that process
 * `pid` has used so far, in ms; undefined where /proc is not there. The difference over a load run,
 * divided by the requests served, is a cost per request that depends far less on what else the
 * machine is doing than throughput does.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    return undefined;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}
