export * from './config.module';
export * from './gateway-config';
export { acceptedEnvKeys, ConfigValidationError, loadConfig } from './load-config';
export * from './ollama-host';
export { INFERENCE_BACKENDS, type InferenceBackend } from './env/inference.env';
export { LOG_LEVELS, NODE_ENVS, type LogLevel, type NodeEnv } from './env/server.env';
export * from './parse-section';
export { TEST_MODEL_NAME } from './sections/inference.section';
