import { processCpuMs } from './process-cpu';

describe('processCpuMs', () => {
  it("reads a live process's CPU time, which grows while it computes", () => {
    const before = processCpuMs(process.pid);
    expect(before).toEqual(expect.any(Number));
    const until = Date.now() + 60;
    while (Date.now() < until) {
      // busy: at least one 10 ms clock tick of CPU time
    }
    expect(processCpuMs(process.pid)).toBeGreaterThan(before as number);
  });

  it('is undefined for a process that does not exist, or no pid', () => {
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
    expect(processCpuMs(undefined)).toBeUndefined();
  });
});
