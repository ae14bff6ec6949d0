import type { AuthMethod } from './env/auth.env';
import type { InferenceBackend } from './env/inference.env';
import type { RateLimitFailMode } from './env/rate-limit.env';
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
  /** Context window of the served model(s) on Ollama (`num_ctx`); undefined leaves Ollama's default. */
  contextLength?: number;
  /** Most inputs per embeddings request. */
  embeddingsMaxInputs: number;
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

export interface AuthConfig {
  /** Empty when auth is off (AUTH_MODE=none). */
  methods: AuthMethod[];
  /** True when AUTH_MODE was not set and the NODE_ENV default applied. */
  modeDefaulted: boolean;
  apiKeysFile?: string;
  apiKeysReloadIntervalMs: number;
  jwt: {
    jwksUrl?: string;
    jwksFile?: string;
    issuer: string;
    audience: string;
    clockToleranceSeconds: number;
  };
}

export interface RateLimitConfig {
  /** Defaults per key or JWT subject; 0 means unlimited. */
  requestsPerMinute: number;
  tokensPerMinute: number;
  redisUrl?: string;
  failMode: RateLimitFailMode;
  redisTimeoutMs: number;
}

export interface HttpHardeningConfig {
  maxJsonDepth: number;
  maxStringLength: number;
  /** Empty means CORS is off. */
  corsOrigins: string[];
}

export interface OllamaApiConfig {
  /** Off: the /api/* routes and `/` answer 404, as if the surface did not exist. */
  enabled: boolean;
}

/** The validated, typed configuration; the injection token for it too. */
export class GatewayConfig {
  readonly server!: ServerConfig;
  readonly inference!: InferenceConfig;
  readonly timeouts!: TimeoutsConfig;
  readonly auth!: AuthConfig;
  readonly rateLimit!: RateLimitConfig;
  readonly httpHardening!: HttpHardeningConfig;
  readonly routing!: RoutingConfig;
  readonly ollamaApi!: OllamaApiConfig;
}
