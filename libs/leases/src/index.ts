export * from './lease-semaphore';
export * from './leases.module';
export * from './memory-lease-semaphore';
export * from './redis-lease-semaphore';
export * from './fail-fast-redis';
