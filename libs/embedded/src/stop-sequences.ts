/**
 * Finds caller-supplied stop strings in streamed text. Text that could be the start of a stop string
 * is held back until it is known not to be one, so a stop string never reaches the client.
 */
export class StopSequences {
  private pending = '';
  private readonly holdBack: number;

  constructor(private readonly stops: readonly string[]) {
    this.holdBack = Math.max(0, ...stops.map((stop) => stop.length - 1));
  }

  /** Returns the text that is safe to emit; `stopped` once a stop string was found (text before it is emitted). */
  push(text: string): { text: string; stopped: boolean } {
    this.pending += text;
    const index = this.firstStopIndex();
    if (index >= 0) {
      const emitted = this.pending.slice(0, index);
      this.pending = '';
      return { text: emitted, stopped: true };
    }
    const safeLength = Math.max(0, this.pending.length - this.holdBack);
    const emitted = this.pending.slice(0, safeLength);
    this.pending = this.pending.slice(safeLength);
    return { text: emitted, stopped: false };
  }

  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private firstStopIndex(): number {
    const found = this.stops.map((stop) => this.pending.indexOf(stop)).filter((index) => index >= 0);
    return found.length > 0 ? Math.min(...found) : -1;
  }
}
