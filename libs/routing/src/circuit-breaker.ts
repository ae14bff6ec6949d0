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
  private probing = false;

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
    return state === 'closed' || (state === 'half_open' && !this.probing);
  }

  /** Called when a request is sent; in half-open it becomes the probe. */
  onAttempt(): void {
    if (this.state === 'half_open') {
      this.probing = true;
    }
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') {
      this.transition('closed');
    }
  }

  onFailure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.settings.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** The attempt ended without telling anything about the endpoint's health (cancelled, rejected). */
  onNeutral(): void {
    this.probing = false;
  }

  private transition(state: CircuitState): void {
    if (state !== this.current) {
      this.current = state;
      this.onChange(state);
    }
  }
}
