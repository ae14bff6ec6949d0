import { Injectable } from '@nestjs/common';

/** Whether the process is shutting down; once set, readiness fails so that no new traffic is routed here. */
@Injectable()
export class DrainState {
  private drainingSince?: number;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  begin(): void {
    this.drainingSince ??= Date.now();
  }
}
