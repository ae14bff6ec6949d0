import { CircuitBreaker, type CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now: number;
  let changes: CircuitState[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    now = 1_000;
    changes = [];
    breaker = new CircuitBreaker(
      { failureThreshold: 3, cooldownMs: 500, probeIntervalMs: 500 },
      (state) => changes.push(state),
      () => now,
    );
  });

  const fail = (times: number): void => {
    for (let i = 0; i < times; i += 1) {
      breaker.onFailure(breaker.onAttempt());
    }
  };

  it('stays closed below the threshold and forgets failures after a success', () => {
    fail(2);
    breaker.onSuccess(breaker.onAttempt());
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.canPass()).toBe(true);
  });

  it('opens after the threshold of consecutive failures and rejects until the cooldown is over', () => {
    fail(3);
    expect(breaker.state).toBe('open');
    expect(breaker.canPass()).toBe(false);
    now += 499;
    expect(breaker.canPass()).toBe(false);
    now += 1;
    expect(breaker.state).toBe('half_open');
  });

  it('lets exactly one probe through when half-open, and closes on its success', () => {
    fail(3);
    now += 500;
    expect(breaker.canPass()).toBe(true);
    const probe = breaker.onAttempt();
    expect(breaker.canPass()).toBe(false);
    breaker.onSuccess(probe);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again for a whole cooldown when the probe fails', () => {
    fail(3);
    now += 500;
    fail(1);
    expect(breaker.state).toBe('open');
    now += 499;
    expect(breaker.canPass()).toBe(false);
  });

  it('frees the probe slot when the probe ends without a verdict', () => {
    fail(3);
    now += 500;
    breaker.onNeutral(breaker.onAttempt());
    expect(breaker.state).toBe('half_open');
    expect(breaker.canPass()).toBe(true);
  });

  it('keeps the probe place taken when a request from before the opening ends without a verdict', () => {
    const early = breaker.onAttempt();
    fail(3);
    now += 500;
    breaker.onAttempt();
    breaker.onNeutral(early);
    expect(breaker.canPass()).toBe(false);
  });

  it('says when an open circuit lets its probe through', () => {
    expect(breaker.reopensAt).toBeUndefined();
    fail(3);
    expect(breaker.reopensAt).toBe(1_500);
  });

  describe('with nothing to fail over to', () => {
    let lonely: CircuitBreaker;

    beforeEach(() => {
      lonely = new CircuitBreaker(
        { failureThreshold: 3, cooldownMs: 30_000, probeIntervalMs: 2_000 },
        undefined,
        () => now,
      );
      for (let i = 0; i < 3; i += 1) {
        lonely.onFailure(lonely.onAttempt());
      }
    });

    it('lets one probe through per probe interval, long before the cooldown is over', () => {
      expect(lonely.state).toBe('open');
      expect(lonely.canProbeAlone()).toBe(false);
      expect(lonely.retryInMs).toBe(2_000);
      now += 2_000;
      expect(lonely.canProbeAlone()).toBe(true);
      const probe = lonely.onAttempt();
      // One at a time: while it is out, nothing else goes.
      expect(lonely.canProbeAlone()).toBe(false);
      lonely.onFailure(probe);
      expect(lonely.retryInMs).toBe(2_000);
      now += 1_500;
      expect(lonely.retryInMs).toBe(500);
      now += 500;
      lonely.onSuccess(lonely.onAttempt());
      expect(lonely.state).toBe('closed');
      expect(lonely.retryInMs).toBe(0);
    });

    it('does not let a regular request through an open circuit', () => {
      now += 2_000;
      expect(lonely.canPass()).toBe(false);
      expect(lonely.state).toBe('open');
    });
  });
});
