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
 *
 * A chunk only notes the time: the idle timer, when it fires, checks how long the stream has really
 * been silent and sleeps again for the rest. Streams relay thousands of chunks a second; one timer
 * per chunk would cost more than relaying them.
 */
export class StreamDeadlines {
  private phaseTimer?: NodeJS.Timeout;
  private totalTimer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private lastProgressAt = 0;

  constructor(
    private readonly settings: DeadlineSettings,
    private readonly onExpire: (error: UpstreamTimeoutError) => void,
  ) {}

  start(): void {
    const { firstTokenMs, totalMs } = this.settings;
    this.phaseTimer = setTimeout(() => this.expire('first_token', firstTokenMs), firstTokenMs);
    if (totalMs > 0) {
      this.totalTimer = setTimeout(() => this.expire('total', totalMs), totalMs);
    }
  }

  /** Called for every chunk: the first one ends the first-token wait, each one restarts the idle clock. */
  progress(): void {
    this.lastProgressAt = performance.now();
    if (!this.started) {
      this.started = true;
      clearTimeout(this.phaseTimer);
      this.phaseTimer = setTimeout(() => this.checkIdle(), this.settings.idleMs);
    }
  }

  get firstTokenSeen(): boolean {
    return this.started;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.phaseTimer);
    clearTimeout(this.totalTimer);
  }

  private checkIdle(): void {
    const { idleMs } = this.settings;
    const silentMs = performance.now() - this.lastProgressAt;
    if (silentMs >= idleMs) {
      this.expire('idle', idleMs);
    } else if (!this.stopped) {
      this.phaseTimer = setTimeout(() => this.checkIdle(), idleMs - silentMs);
    }
  }

  private expire(phase: 'first_token' | 'idle' | 'total', ms: number): void {
    if (!this.stopped) {
      this.onExpire(new UpstreamTimeoutError(phase, ms));
    }
  }
}
