export type CircuitState = 'closed' | 'half_open' | 'open';

export interface BreakerSettings {
  /** Consecutive backend failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit rests its endpoint before one probe is let through. */
  cooldownMs: number;
  /**
   * While no other endpoint can take the request (a single endpoint, or every breaker open), an open
   * circuit still lets one probe through per this interval: resting it would only turn into 503s.
   */
  probeIntervalMs: number;
}

/**
 * Rests an endpoint that keeps failing. Closed: every request passes and consecutive failures are
 * counted. Open: nothing passes until the cooldown is over, except a lone probe per probe interval
 * when nothing else can serve. Half-open: one probe passes; its success closes the circuit, its
 * failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private lastProbeAt = 0;
  /** Ticket of the probe in flight while half-open or open; only that attempt's outcome frees it. */
  private probe?: number;
  private tickets = 0;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly onChange: (state: CircuitState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.settings.cooldownMs) {
      this.transition('half_open');
    }
    return this.current;
  }

  /** Whether a new request may go to this endpoint now (in half-open: only while no probe is out). */
  canPass(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half_open' && this.probe === undefined);
  }

  /** Whether an open circuit may take a probe now, for a request no other endpoint can take. */
  canProbeAlone(): boolean {
    return this.state === 'open' && this.probe === undefined && this.now() >= this.nextProbeAt();
  }

  /** Milliseconds until this endpoint may take a request again (0 when it may now). */
  get retryInMs(): number {
    const state = this.state;
    if (state === 'closed' || (state === 'half_open' && this.probe === undefined)) {
      return 0;
    }
    if (this.probe !== undefined) {
      // The probe's outcome is unknown; the next chance is one interval away at the latest.
      return this.settings.probeIntervalMs;
    }
    return Math.max(0, this.nextProbeAt() - this.now());
  }

  /** Called when a request is sent; returns its ticket, which in half-open or open makes it the probe. */
  onAttempt(): number {
    this.tickets += 1;
    if (this.state !== 'closed' && this.probe === undefined) {
      this.probe = this.tickets;
      this.lastProbeAt = this.now();
    }
    return this.tickets;
  }

  onSuccess(ticket: number): void {
    this.failures = 0;
    this.endProbe(ticket);
    if (this.current !== 'closed') {
      this.probe = undefined;
      this.transition('closed');
    }
  }

  onFailure(ticket: number): void {
    const wasProbe = this.probe === ticket;
    this.endProbe(ticket);
    this.failures += 1;
    if (wasProbe || this.current === 'half_open' || this.failures >= this.settings.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** The attempt ended without telling anything about the endpoint's health (cancelled, rejected). */
  onNeutral(ticket: number): void {
    this.endProbe(ticket);
  }

  /** When an open circuit will let its probe through (epoch ms), or undefined when it is not open. */
  get reopensAt(): number | undefined {
    return this.current === 'open' ? this.nextProbeAt() : undefined;
  }

  /** The earlier of the end of the cooldown and the next lone probe. */
  private nextProbeAt(): number {
    const lastTry = Math.max(this.openedAt, this.lastProbeAt);
    return Math.min(this.openedAt + this.settings.cooldownMs, lastTry + this.settings.probeIntervalMs);
  }

  /** A request that started before the circuit opened must not free the probe's place. */
  private endProbe(ticket: number): void {
    if (this.probe === ticket) {
      this.probe = undefined;
    }
  }

  private transition(state: CircuitState): void {
    if (state !== this.current) {
      this.current = state;
      this.onChange(state);
    }
  }
}
