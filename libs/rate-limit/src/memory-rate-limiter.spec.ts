import { MemoryRateLimiter } from './memory-rate-limiter';
import { WINDOW_MS } from './rate-limiter';
import { waitMs } from './sliding-window';

describe('MemoryRateLimiter (sliding window)', () => {
  let now = 10 * WINDOW_MS;
  const limiter = new MemoryRateLimiter(() => now);
  const limits = { requestsPerMinute: 4, tokensPerMinute: 100 };

  beforeEach(() => {
    now = 10 * WINDOW_MS;
  });

  it('allows the limit within a window and refuses the next call', async () => {
    for (let i = 0; i < 4; i += 1) {
      expect((await limiter.acquire('a', limits, 1)).allowed).toBe(true);
    }
    const refused = await limiter.acquire('a', limits, 1);
    expect(refused).toMatchObject({ allowed: false, reason: 'requests' });
    expect(refused.state.current.requests).toBe(4);
  });

  it('lets the previous window fade out instead of resetting at the boundary', async () => {
    for (let i = 0; i < 4; i += 1) {
      await limiter.acquire('b', limits, 1);
    }
    now = 11 * WINDOW_MS + WINDOW_MS / 10;
    expect((await limiter.acquire('b', limits, 1)).allowed).toBe(false);
    now = 11 * WINDOW_MS + WINDOW_MS / 4;
    expect((await limiter.acquire('b', limits, 1)).allowed).toBe(true);
  });

  it('refuses on tokens without counting the refused call', async () => {
    expect((await limiter.acquire('c', limits, 90)).allowed).toBe(true);
    expect(await limiter.acquire('c', limits, 20)).toMatchObject({ allowed: false, reason: 'tokens' });
    const after = await limiter.acquire('c', limits, 10);
    expect(after.allowed).toBe(true);
    expect(after.state.current).toEqual({ requests: 2, tokens: 100 });
  });

  it('corrects a reservation with the real count', async () => {
    const decision = await limiter.acquire('d', limits, 90);
    await limiter.adjustTokens('d', decision.window, -80);
    expect((await limiter.acquire('d', limits, 90)).allowed).toBe(true);
  });

  it('treats 0 as unlimited', async () => {
    const unlimited = { requestsPerMinute: 0, tokensPerMinute: 0 };
    for (let i = 0; i < 100; i += 1) {
      expect((await limiter.acquire('e', unlimited, 1_000)).allowed).toBe(true);
    }
  });
});

describe('waitMs', () => {
  const state = (elapsedMs: number) => ({
    current: { requests: 0, tokens: 0 },
    previous: { requests: 0, tokens: 0 },
    elapsedMs,
    windowMs: WINDOW_MS,
  });

  it('waits for the previous window to fade enough', () => {
    // previous 4 of limit 4, current 0: one slot frees when 1/4 of the previous window has passed.
    expect(waitMs(4, 1, 4, 0, state(0))).toBe(WINDOW_MS / 4);
  });

  it('waits into the next window when the current one is full', () => {
    expect(waitMs(4, 1, 0, 4, state(WINDOW_MS / 2))).toBe(WINDOW_MS / 2 + WINDOW_MS / 4);
  });

  it('is infinite for a cost above the limit', () => {
    expect(waitMs(4, 5, 0, 0, state(0))).toBe(Number.POSITIVE_INFINITY);
  });
});
