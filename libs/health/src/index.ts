export * from './drain.state';
export * from './health.module';
export * from './inference.health';
export * from './with-timeout';
