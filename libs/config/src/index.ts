export * from './config.module';
export * from './gateway-config';
export * from './load-config';
export * from './ollama-host';
export { INFERENCE_BACKENDS, type InferenceBackend } from './env/inference.env';
export { LOG_LEVELS, NODE_ENVS, type LogLevel, type NodeEnv } from './env/server.env';
