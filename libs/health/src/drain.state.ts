import { Injectable } from '@nestjs/common';
import { ShuttingDownError } from '@gateway/inference';

type DeadlineListener = (error: ShuttingDownError) => void;

/**
 * Whether the process is shutting down; once set, readiness fails so that no new traffic is routed here.
 * At the drain deadline every listener registered with `onDeadline` is called with a ShuttingDownError,
 * so that every request still running ends with a terminal error in its own dialect rather than a cut
 * connection. A set of listeners rather than an AbortSignal: each generation in flight registers one,
 * thousands at a time, and removing one must stay cheap.
 */
@Injectable()
export class DrainState {
  private started = false;
  private expired?: ShuttingDownError;
  private readonly listeners = new Set<DeadlineListener>();

  get draining(): boolean {
    return this.started;
  }

  begin(): void {
    this.started = true;
  }

  /**
   * Calls `listener` at the drain deadline (at once if it has passed); the returned function
   * unregisters it.
   */
  onDeadline(listener: DeadlineListener): () => void {
    if (this.expired !== undefined) {
      listener(this.expired);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  expire(): void {
    if (this.expired !== undefined) {
      return;
    }
    this.expired = new ShuttingDownError();
    for (const listener of [...this.listeners]) {
      listener(this.expired);
    }
    this.listeners.clear();
  }
}
