import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@gateway/request-context';

import { DrainHealthIndicator } from './drain.health';
import { InferenceHealthIndicator } from './inference.health';

/** Probes and scrapes need no credentials and are not API work in flight. */
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly inference: InferenceHealthIndicator,
    private readonly drain: DrainHealthIndicator,
  ) {}

  /** Liveness: the process answers. Never depends on the backend, so a backend outage restarts nothing. */
  @Get('health')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: not shutting down, and the backend is reachable with the default model; 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.drain.check(), () => this.inference.isReady()]);
  }
}
