import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';

import { CallerMetrics } from './caller-metrics';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';

@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: '/metrics',
      defaultMetrics: { enabled: false },
    }),
  ],
  providers: [
    { provide: GatewayMetrics, useFactory: () => new GatewayMetrics() },
    {
      provide: CallerMetrics,
      inject: [GatewayMetrics, GatewayConfig],
      useFactory: (metrics: GatewayMetrics, config: GatewayConfig) =>
        new CallerMetrics(metrics.registry, config.observability.metricsPerCaller),
    },
  ],
  exports: [GatewayMetrics, CallerMetrics],
})
export class MetricsModule {}
