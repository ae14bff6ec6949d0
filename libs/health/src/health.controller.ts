import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';

import { InferenceHealthIndicator } from './inference.health';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly inference: InferenceHealthIndicator,
  ) {}

  /** Liveness: the process answers. Never depends on the backend, so a backend outage restarts nothing. */
  @Get('health')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: the backend is reachable and has the configured model; 503 with the reason otherwise. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.inference.isReady()]);
  }
}
