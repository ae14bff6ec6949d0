export * from './caller-metrics';
export * from './gateway-metrics';
export * from './metrics.module';
