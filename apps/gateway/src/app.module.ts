import { Module, ValidationPipe, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard, AuthModule } from '@gateway/auth';
import { ConfigModule, GatewayConfig } from '@gateway/config';
import { HealthModule } from '@gateway/health';
import { InferenceModule } from '@gateway/inference';
import { MetricsModule } from '@gateway/metrics';
import { RateLimitGuard, RateLimitModule } from '@gateway/rate-limit';
import { LoggerModule } from 'nestjs-pino';

import { EmbeddingsModule } from './embeddings/embeddings.module';
import { GenerateModule } from './generate/generate.module';
import { BodyParserMiddleware } from './http/body-parser.middleware';
import { ErrorFilter } from './http/error.filter';
import { loggerParams } from './http/logging';
import { DrainService } from './lifecycle/drain.service';
import { StartupReportService } from './lifecycle/startup-report.service';
import { OllamaApiModule } from './ollama-api/ollama-api.module';
import { OpenAiModule } from './openai/openai.module';
import { ResponsesModule } from './responses/responses.module';

@Module({
  imports: [
    ConfigModule.forRoot(),
    LoggerModule.forRootAsync({ inject: [GatewayConfig], useFactory: loggerParams }),
    MetricsModule,
    InferenceModule,
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
    { provide: APP_FILTER, useClass: ErrorFilter },
    // Order matters: the rate limit needs the caller that authentication found.
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
        transform: true,
        transformOptions: { enableImplicitConversion: false },
      }),
    },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(BodyParserMiddleware).forRoutes('*path');
  }
}
