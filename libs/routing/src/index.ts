export * from './admission-controller';
export * from './circuit-breaker';
export * from './create-routed-provider';
export * from './endpoint-selection';
export * from './leased-endpoint-slots';
export * from './routed-inference-provider';
export * from './shared-slots';
export * from './upstream-endpoint';
