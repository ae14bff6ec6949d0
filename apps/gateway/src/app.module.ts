import { Module, ValidationPipe, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ConfigModule, GatewayConfig } from '@gateway/config';
import { HealthModule } from '@gateway/health';
import { InferenceModule } from '@gateway/inference';
import { MetricsModule } from '@gateway/metrics';
import { LoggerModule } from 'nestjs-pino';

import { GenerateModule } from './generate/generate.module';
import { BodyParserMiddleware } from './http/body-parser.middleware';
import { ErrorFilter } from './http/error.filter';
import { loggerParams } from './http/logging';
import { StartupReportService } from './lifecycle/startup-report.service';
import { OpenAiModule } from './openai/openai.module';

@Module({
  imports: [
    ConfigModule.forRoot(),
    LoggerModule.forRootAsync({ inject: [GatewayConfig], useFactory: loggerParams }),
    MetricsModule,
    InferenceModule,
    HealthModule,
    GenerateModule,
    OpenAiModule,
  ],
  providers: [
    StartupReportService,
    { provide: APP_FILTER, useClass: ErrorFilter },
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
