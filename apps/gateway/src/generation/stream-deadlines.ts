import { UpstreamTimeoutError } from '@gateway/inference';

export interface DeadlineSettings {
  firstTokenMs: number;
  idleMs: number;
  /** 0 disables the total deadline. */
  totalMs: number;
}

/**
 * The three clocks of one generation: time to first token, silence between chunks, and the optional
 * total deadline. When one runs out, `onExpire` receives the timeout error to abort with.
 */
export class StreamDeadlines {
  private phaseTimer?: NodeJS.Timeout;
  private totalTimer?: NodeJS.Timeout;
  private started = false;

  constructor(
    private readonly settings: DeadlineSettings,
    private readonly onExpire: (error: UpstreamTimeoutError) => void,
  ) {}

  start(): void {
    this.arm('first_token', this.settings.firstTokenMs);
    if (this.settings.totalMs > 0) {
      this.totalTimer = setTimeout(
        () => this.onExpire(new UpstreamTimeoutError('total', this.settings.totalMs)),
        this.settings.totalMs,
      );
    }
  }

  /** Called for every chunk: the first one ends the first-token wait, each one restarts the idle clock. */
  progress(): void {
    this.started = true;
    this.arm('idle', this.settings.idleMs);
  }

  get firstTokenSeen(): boolean {
    return this.started;
  }

  stop(): void {
    clearTimeout(this.phaseTimer);
    clearTimeout(this.totalTimer);
  }

  private arm(phase: 'first_token' | 'idle', ms: number): void {
    clearTimeout(this.phaseTimer);
    this.phaseTimer = setTimeout(() => this.onExpire(new UpstreamTimeoutError(phase, ms)), ms);
  }
}
