import { RequestContext } from './request-context';

describe('RequestContext client-gone listeners', () => {
  it('runs each registered listener once when the client leaves', () => {
    const ctx = new RequestContext('r1');
    const first = jest.fn();
    const second = jest.fn();
    ctx.onClientGone(first);
    ctx.onClientGone(second);
    ctx.clientGone();
    ctx.clientGone();
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(ctx.clientLeft).toBe(true);
  });

  it('does not run a listener that was unregistered', () => {
    const ctx = new RequestContext('r2');
    const listener = jest.fn();
    const stop = ctx.onClientGone(listener);
    stop();
    ctx.clientGone();
    expect(listener).not.toHaveBeenCalled();
  });

  it('runs a listener registered after the client left at once', () => {
    const ctx = new RequestContext('r3');
    ctx.clientGone();
    const listener = jest.fn();
    ctx.onClientGone(listener)();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
