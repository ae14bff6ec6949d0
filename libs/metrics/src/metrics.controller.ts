import { Controller, Get, Header, Res } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '@gateway/request-context';
import type { Response } from 'express';

import { GatewayMetrics } from './gateway-metrics';

/** Serves the gateway's own registry instead of prom-client's global one. */
/** Probes and scrapes need no credentials and are not API work in flight. */
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly metrics: GatewayMetrics) {
    super();
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
