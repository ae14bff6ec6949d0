import { Injectable } from '@nestjs/common';
import { GatewayMetrics } from '@gateway/metrics';

/**
 * Counts the API requests being handled (probes and scrapes excluded). The drain waits on it and the
 * `requests_in_flight` gauge mirrors it; nothing reads the count back from the gauge.
 */
@Injectable()
export class InFlightTracker {
  private count = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly metrics: GatewayMetrics) {}

  get inFlight(): number {
    return this.count;
  }

  start(): void {
    this.count += 1;
    this.metrics.inFlight.set(this.count);
  }

  end(): void {
    this.count -= 1;
    this.metrics.inFlight.set(this.count);
    if (this.count === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }
}
