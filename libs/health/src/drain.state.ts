import { Injectable } from '@nestjs/common';

/** Whether the process is shutting down; once set, readiness fails so that no new traffic is routed here. */
@Injectable()
export class DrainState {
  private started = false;

  get draining(): boolean {
    return this.started;
  }

  begin(): void {
    this.started = true;
  }
}
