export * from './request-context';
export * from './route-metadata';
export * from './request-trace';
export * from './request-log-field';
