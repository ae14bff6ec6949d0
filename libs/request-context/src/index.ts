export * from './request-context';
export * from './route-metadata';
