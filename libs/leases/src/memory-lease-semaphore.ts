import { releaseOnce, type HeldLease, type LeaseSemaphore } from './lease-semaphore';

/** Slots counted in this process: exact for one replica; several replicas each count their own. */
export class MemoryLeaseSemaphore implements LeaseSemaphore {
  private readonly held = new Map<string, number>();

  tryAcquire(name: string, limit: number): Promise<HeldLease | undefined> {
    const count = this.held.get(name) ?? 0;
    if (count >= limit) {
      return Promise.resolve(undefined);
    }
    this.held.set(name, count + 1);
    return Promise.resolve(releaseOnce(() => this.release(name)));
  }

  /** Slots of `name` held now. */
  holders(name: string): number {
    return this.held.get(name) ?? 0;
  }

  private release(name: string): void {
    const left = (this.held.get(name) ?? 1) - 1;
    // Names with no holder are forgotten, so one-off callers cannot grow the map forever.
    if (left <= 0) {
      this.held.delete(name);
    } else {
      this.held.set(name, left);
    }
  }
}
