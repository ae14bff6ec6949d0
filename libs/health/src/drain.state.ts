import { Injectable } from '@nestjs/common';
import { ShuttingDownError } from '@gateway/inference';

/**
 * Whether the process is shutting down; once set, readiness fails so that no new traffic is routed here.
 * At the drain deadline `deadline` fires (its reason a ShuttingDownError), so that every request still
 * running ends with a terminal error in its own dialect rather than a cut connection.
 */
@Injectable()
export class DrainState {
  private started = false;
  private readonly expiry = new AbortController();

  get draining(): boolean {
    return this.started;
  }

  get deadline(): AbortSignal {
    return this.expiry.signal;
  }

  begin(): void {
    this.started = true;
  }

  expire(): void {
    this.expiry.abort(new ShuttingDownError());
  }
}
