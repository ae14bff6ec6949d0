export * from './api-key';
export * from './api-key-store';
export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './keys-file';
export * from './model-access';
export * from './principal';
