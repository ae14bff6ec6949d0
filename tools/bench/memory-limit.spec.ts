import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseMemoryQuantity, underMemoryLimit } from './memory-limit';

describe('parseMemoryQuantity', () => {
  it('reads the binary units a Kubernetes manifest uses', () => {
    expect(parseMemoryQuantity('512Mi')).toBe(536_870_912);
    expect(parseMemoryQuantity('1Gi')).toBe(1_073_741_824);
    expect(parseMemoryQuantity('64Ki')).toBe(65_536);
    expect(parseMemoryQuantity('1000000')).toBe(1_000_000);
  });

  it('refuses what it cannot read exactly, rather than guessing a unit', () => {
    for (const quantity of ['512M', '0.5Gi', 'Mi', '-1Mi', '512 MiB', '']) {
      expect(() => parseMemoryQuantity(quantity)).toThrow(/memory quantity/);
    }
  });
});

describe('underMemoryLimit', () => {
  // A directory standing in for the cgroup filesystem: the files it writes are plain files here.
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cgroup-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sets the limit, and runs the command itself (same pid, same arguments) after joining the cgroup', async () => {
    const wrapped = underMemoryLimit(
      536_870_912,
      process.execPath,
      ['-e', 'console.log(process.pid, process.argv[1])', 'one arg'],
      {
        dir: root,
        limitFile: 'memory.limit_in_bytes',
      },
    );
    const cgroup = join(root, 'llm-gateway-bench-536870912');

    const { stdout } = await promisify(execFile)(wrapped.command, wrapped.args);

    expect(readFileSync(join(cgroup, 'memory.limit_in_bytes'), 'utf8')).toBe('536870912');
    const [pid, arg] = stdout.trim().split(/ (.*)/);
    expect(readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').trim()).toBe(pid);
    expect(arg).toBe('one arg');
  });

  it('says so when the cgroup cannot be made, instead of running the command without its limit', () => {
    expect(() =>
      underMemoryLimit(1024, 'node', [], { dir: join(root, 'missing', '\0'), limitFile: 'memory.max' }),
    ).toThrow(/could not set up the cgroup/);
  });

  it('release removes an empty cgroup and leaves one that still holds a process', () => {
    const wrapped = underMemoryLimit(2048, 'node', [], { dir: root, limitFile: 'memory.max' });
    const cgroup = join(root, 'llm-gateway-bench-2048');

    wrapped.release(); // a plain directory with its limit file in it: not empty, like a busy cgroup

    expect(existsSync(cgroup)).toBe(true);
    rmSync(join(cgroup, 'memory.max'));
    wrapped.release();
    expect(existsSync(cgroup)).toBe(false);
  });
});
