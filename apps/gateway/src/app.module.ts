import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard, AuthModule } from '@gateway/auth';
import { ConfigModule, GatewayConfig } from '@gateway/config';
import { HealthModule } from '@gateway/health';
import { CallerMetrics, GatewayMetrics, MetricsModule } from '@gateway/metrics';
import { RateLimitModule } from '@gateway/rate-limit';
import { LoggerModule } from 'nestjs-pino';

import { BackendsModule } from './backends/backends.module';
import { EmbeddingsModule } from './embeddings/embeddings.module';
import { GenerateModule } from './generate/generate.module';
import { ErrorFilter } from './http/error.filter';
import { loggerParams } from './http/logging';
import { DrainService } from './lifecycle/drain.service';
import { InFlightTracker } from './lifecycle/in-flight.tracker';
import { StartupReportService } from './lifecycle/startup-report.service';
import { OllamaApiModule } from './ollama-api/ollama-api.module';
import { OpenAiModule } from './openai/openai.module';
import { RequestEnd } from './pipeline/request-end';
import { GatewayValidationPipe } from './http/gateway-validation.pipe';
import { JsonBodyGuard } from './pipeline/json-body.guard';
import { RequestEntryMiddleware } from './pipeline/request-entry.middleware';
import { RouteContextGuard } from './pipeline/route-context.guard';
import { gatewayTracingProvider } from './tracing/gateway-tracing';
import { ResponsesModule } from './responses/responses.module';

/** The request pipeline, in order, is described in docs/architecture.md. */
@Module({
  imports: [
    ConfigModule.forRoot(),
    LoggerModule.forRootAsync({ inject: [GatewayConfig], useFactory: loggerParams }),
    MetricsModule,
    BackendsModule,
    HealthModule,
    AuthModule,
    RateLimitModule,
    GenerateModule,
    OpenAiModule,
    EmbeddingsModule,
    ResponsesModule,
    OllamaApiModule,
  ],
  providers: [
    StartupReportService,
    DrainService,
    InFlightTracker,
    RequestEnd,
    RequestEntryMiddleware,
    gatewayTracingProvider,
    {
      provide: CallerMetrics,
      inject: [GatewayMetrics, GatewayConfig],
      useFactory: (metrics: GatewayMetrics, config: GatewayConfig) =>
        new CallerMetrics(metrics.registry, config.observability.metricsPerCaller),
    },
    { provide: APP_FILTER, useClass: ErrorFilter },
    // Guards run in this order: route metadata into the context, authentication (headers only), and
    // only then the body.
    { provide: APP_GUARD, useClass: RouteContextGuard },
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_GUARD, useClass: JsonBodyGuard },
    {
      provide: APP_PIPE,
      useValue: new GatewayValidationPipe(),
    },
  ],
})
export class AppModule {}
