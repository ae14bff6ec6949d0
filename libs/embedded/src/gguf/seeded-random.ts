/**
 * A seeded PRNG (mulberry32) with Box-Muller normals: the same seed gives the same numbers on every
 * platform and every run, which keeps generated models byte-identical.
 */
export class SeededRandom {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal sample (mean 0, deviation 1). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** `count` normals scaled by `deviation`, rounded to F32. */
  normals(count: number, deviation: number): Float32Array {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i += 1) {
      values[i] = this.normal() * deviation;
    }
    return values;
  }
}
