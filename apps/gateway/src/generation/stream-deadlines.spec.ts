import { UpstreamTimeoutError } from '@gateway/inference';

import { StreamDeadlines } from './stream-deadlines';

describe('StreamDeadlines', () => {
  let expired: UpstreamTimeoutError[];
  const deadlines = (totalMs = 0) =>
    new StreamDeadlines({ firstTokenMs: 1_000, idleMs: 100, totalMs }, (error) => expired.push(error));

  beforeEach(() => {
    jest.useFakeTimers();
    expired = [];
  });

  afterEach(() => jest.useRealTimers());

  it('expires the first-token wait, and only once', () => {
    deadlines().start();
    jest.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(5_000);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ phase: 'first_token' });
  });

  it('expires once the stream has been silent for idleMs, however many chunks came before', () => {
    const clocks = deadlines();
    clocks.start();
    for (let i = 0; i < 20; i += 1) {
      jest.advanceTimersByTime(90);
      clocks.progress();
    }
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ phase: 'idle' });
  });

  it('expires the total deadline even while chunks keep coming', () => {
    const clocks = deadlines(500);
    clocks.start();
    for (let i = 0; i < 10; i += 1) {
      jest.advanceTimersByTime(60);
      clocks.progress();
    }
    expect(expired.map((error) => error.phase)).toEqual(['total']);
  });

  it('never fires once stopped', () => {
    const clocks = deadlines(500);
    clocks.start();
    clocks.progress();
    clocks.stop();
    jest.advanceTimersByTime(10_000);
    expect(expired).toEqual([]);
  });
});
