import { RequestContext } from '@gateway/request-context';

import { completedTiming, streamCommitTiming } from './server-timing';

function contextAt(startedAt: number): RequestContext {
  const ctx = new RequestContext('req-1');
  Object.defineProperty(ctx, 'startedAt', { value: startedAt });
  return ctx;
}

describe('Server-Timing values', () => {
  it('a whole answer: gateway is the elapsed time minus upstream; queue and upstream as measured', () => {
    const ctx = contextAt(1000);
    ctx.queueMs = 12.3456;
    ctx.upstreamMs = 400.0004;
    expect(completedTiming(ctx, 1402.5)).toBe('gateway;dur=2.5, queue;dur=12.346, upstream;dur=400');
  });

  it('never reports a negative gateway time', () => {
    const ctx = contextAt(1000);
    ctx.upstreamMs = 50;
    expect(completedTiming(ctx, 1049)).toBe('gateway;dur=0, queue;dur=0, upstream;dur=50');
  });

  it('a stream after its first token: the time before the backend call, the queue and ttft', () => {
    const ctx = contextAt(1000);
    ctx.upstreamStartedAt = 1001.25;
    ctx.queueMs = 3;
    ctx.ttftMs = 180.5;
    expect(streamCommitTiming(ctx, true)).toBe('gateway;dur=1.25, queue;dur=3, ttft;dur=180.5');
  });

  it('a stream committed by a heartbeat: only what is known, nothing invented', () => {
    const ctx = contextAt(1000);
    ctx.upstreamStartedAt = 1002;
    ctx.queueMs = 0;
    expect(streamCommitTiming(ctx, false)).toBe('gateway;dur=2');
    // A first event that was not a token (no ttft yet).
    expect(streamCommitTiming(ctx, true)).toBe('gateway;dur=2, queue;dur=0');
  });
});
