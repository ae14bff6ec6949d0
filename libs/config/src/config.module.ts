import { Global, Module, type DynamicModule } from '@nestjs/common';

import { GatewayConfig } from './gateway-config';
import { loadConfig, type RawEnv } from './load-config';

/** Provides the validated GatewayConfig everywhere; validation runs once, at module creation. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env?: RawEnv): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: GatewayConfig, useFactory: () => loadConfig(env) }],
      exports: [GatewayConfig],
    };
  }
}
