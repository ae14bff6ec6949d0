export * from './admission-controller';
export * from './circuit-breaker';
export * from './create-routed-provider';
export * from './endpoint-selection';
export * from './routed-inference-provider';
export * from './upstream-endpoint';
