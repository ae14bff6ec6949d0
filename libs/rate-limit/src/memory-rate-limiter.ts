import { refusal } from './sliding-window';
import {
  WINDOW_MS,
  type Limits,
  type RateLimitDecision,
  type RateLimiter,
  type WindowCounts,
} from './rate-limiter';

interface Counters {
  window: number;
  current: WindowCounts;
  previous: WindowCounts;
}

const SWEEP_EVERY = 1_000;

/** Counters in this process: exact for one replica, per-replica when there are several (use Redis). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly callers = new Map<string, Counters>();
  private calls = 0;

  constructor(private readonly now: () => number = Date.now) {}

  acquire(id: string, limits: Limits, tokens: number): Promise<RateLimitDecision> {
    const now = this.now();
    const window = Math.floor(now / WINDOW_MS);
    this.sweep(window);
    const counters = this.countersFor(id, window);
    const state = {
      current: counters.current,
      previous: counters.previous,
      elapsedMs: now - window * WINDOW_MS,
      windowMs: WINDOW_MS,
    };
    const reason = refusal(state, limits, tokens);
    if (reason === undefined) {
      counters.current.requests += 1;
      counters.current.tokens += tokens;
    }
    return Promise.resolve({ allowed: reason === undefined, reason, window, state: structuredClone(state) });
  }

  adjustTokens(id: string, window: number, delta: number): Promise<void> {
    const counters = this.callers.get(id);
    const target =
      counters?.window === window
        ? counters.current
        : counters?.window === window + 1
          ? counters.previous
          : undefined;
    if (target) {
      target.tokens = Math.max(0, target.tokens + delta);
    }
    return Promise.resolve();
  }

  private countersFor(id: string, window: number): Counters {
    const existing = this.callers.get(id);
    if (existing?.window === window) {
      return existing;
    }
    const counters: Counters = {
      window,
      current: { requests: 0, tokens: 0 },
      previous: existing?.window === window - 1 ? existing.current : { requests: 0, tokens: 0 },
    };
    this.callers.set(id, counters);
    return counters;
  }

  /** Forgets callers idle for two windows, so many one-off JWT subjects cannot grow memory forever. */
  private sweep(window: number): void {
    this.calls += 1;
    if (this.calls % SWEEP_EVERY !== 0) {
      return;
    }
    for (const [id, counters] of this.callers) {
      if (counters.window < window - 1) {
        this.callers.delete(id);
      }
    }
  }
}
