import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

import { DrainState } from './drain.state';

/** Down from the moment shutdown begins, never cached: the load balancer must stop sending at once. */
@Injectable()
export class DrainHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly state: DrainState,
  ) {}

  check(key = 'shutdown'): HealthIndicatorResult {
    const indicator = this.indicators.check(key);
    return this.state.draining
      ? indicator.down({ reason: 'draining: finishing accepted requests before exit' })
      : indicator.up();
  }
}
