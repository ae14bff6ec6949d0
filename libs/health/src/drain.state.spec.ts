import { ShuttingDownError } from '@gateway/inference';

import { DrainState } from './drain.state';

describe('DrainState', () => {
  it('calls every registered listener once at the deadline with a ShuttingDownError', () => {
    const state = new DrainState();
    const calls: unknown[] = [];
    state.onDeadline((error) => calls.push(error));
    state.onDeadline((error) => calls.push(error));
    state.expire();
    state.expire();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBeInstanceOf(ShuttingDownError);
  });

  it('does not call a listener that unregistered', () => {
    const state = new DrainState();
    const listener = jest.fn();
    const unregister = state.onDeadline(listener);
    unregister();
    state.expire();
    expect(listener).not.toHaveBeenCalled();
  });

  it('calls a listener registered after the deadline at once', () => {
    const state = new DrainState();
    state.expire();
    const listener = jest.fn();
    state.onDeadline(listener);
    expect(listener).toHaveBeenCalledWith(expect.any(ShuttingDownError));
  });
});
