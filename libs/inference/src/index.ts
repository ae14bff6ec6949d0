export * from './collect-stream';
export * from './inference.constants';
export * from './inference.errors';
export * from './inference.module';
export * from './inference.provider';
export * from './inference.types';
export * from './model-names';
export * from './ollama/ollama.service';
