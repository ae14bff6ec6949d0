export type CircuitState = 'closed' | 'half_open' | 'open';

export interface BreakerSettings {
  /** Consecutive backend failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit rests its endpoint before one probe is let through. */
  cooldownMs: number;
}

/**
 * Rests an endpoint that keeps failing. Closed: every request passes and consecutive failures are
 * counted. Open: nothing passes until the cooldown is over. Half-open: one probe passes; its success
 * closes the circuit, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  /** Ticket of the probe in flight while half-open; only that attempt's outcome may free the slot. */
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

  /** Called when a request is sent; returns its ticket, which in half-open makes it the probe. */
  onAttempt(): number {
    this.tickets += 1;
    if (this.state === 'half_open' && this.probe === undefined) {
      this.probe = this.tickets;
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
    this.endProbe(ticket);
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.settings.failureThreshold) {
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
    return this.current === 'open' ? this.openedAt + this.settings.cooldownMs : undefined;
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
