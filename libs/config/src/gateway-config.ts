import type { InferenceBackend } from './env/inference.env';
import type { LogLevel, NodeEnv } from './env/server.env';

export interface ServerConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  drainTimeoutMs: number;
}

export interface InferenceConfig {
  backend: InferenceBackend;
  /** True when the backend was chosen by default rather than by INFERENCE_BACKEND. */
  backendDefaulted: boolean;
  ollamaHost: string;
  modelName: string;
  modelPath?: string;
  embeddedThreads: number;
  embeddedContextSize: number;
  embeddedParallel: number;
}

export interface TimeoutsConfig {
  firstTokenMs: number;
  idleMs: number;
  /** 0 means no total deadline. */
  totalMs: number;
  heartbeatIntervalMs: number;
  readinessCacheMs: number;
  healthCheckMs: number;
}

export interface RoutingConfig {
  /** Normalised Ollama base URLs (OLLAMA_HOSTS, else OLLAMA_HOST alone). */
  ollamaHosts: string[];
  /** Generations in flight per endpoint. */
  maxInflight: number;
  maxQueue: number;
  maxQueueWaitMs: number;
  modelsFile?: string;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  upstreamRetries: number;
  retryBackoffMs: number;
}

/** The validated, typed configuration; the injection token for it too. */
export class GatewayConfig {
  readonly server!: ServerConfig;
  readonly inference!: InferenceConfig;
  readonly timeouts!: TimeoutsConfig;
  readonly routing!: RoutingConfig;
}
