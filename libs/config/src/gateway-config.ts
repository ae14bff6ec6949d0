import type { DiscoverySource } from './discovery-source';
import type { AuthMethod } from './env/auth.env';
import type { InferenceBackend } from './env/inference.env';
import type { TraceSampler } from './env/observability.env';
import type { RateLimitFailMode } from './env/rate-limit.env';
import type { LogLevel, NodeEnv } from './env/server.env';
import type { SlotFailMode } from './env/slots.env';

export interface ServerConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  drainTimeoutMs: number;
  /** /openapi.json and /docs are served. */
  openApiEnabled: boolean;
}

export interface ConnectionsConfig {
  /** Headers must be complete this long after a request's first byte. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must have arrived this long after its first byte. */
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0 means no limit. */
  maxConnections: number;
}

export interface InferenceConfig {
  backend: InferenceBackend;
  /** True when the backend was chosen by default rather than by INFERENCE_BACKEND. */
  backendDefaulted: boolean;
  ollamaHost: string;
  modelName: string;
  modelPath?: string;
  /** Sent to Ollama as options.num_thread; undefined lets Ollama choose. */
  ollamaNumThread?: number;
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

export interface DiscoveryConfig {
  /** Empty when discovery is off. */
  sources: DiscoverySource[];
  intervalMs: number;
  timeoutMs: number;
  maxEndpoints: number;
  /** `ip` or `ip:port`; undefined means the system's resolvers. */
  dnsServer?: string;
}

export interface RoutingConfig {
  /**
   * Normalised Ollama base URLs: OLLAMA_HOSTS, else OLLAMA_HOST alone, or none when discovery is on
   * and OLLAMA_HOSTS is unset.
   */
  ollamaHosts: string[];
  discovery: DiscoveryConfig;
  /** Generations in flight per endpoint. */
  maxInflight: number;
  maxQueue: number;
  maxQueueWaitMs: number;
  modelsFile?: string;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  breakerProbeIntervalMs: number;
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
  /** Generations one key or subject may run at once; 0 means unlimited. */
  concurrency: number;
  redisUrl?: string;
  failMode: RateLimitFailMode;
  redisTimeoutMs: number;
}

/** Slots held across replicas through Redis (endpoint slots, per-key concurrency). */
export interface SlotsConfig {
  /** A slot not renewed for this long is free again (a killed replica's slots come back). */
  leaseMs: number;
  /** How often a request waiting for an endpoint slot held by another replica tries again. */
  pollIntervalMs: number;
  /** Redis unreachable: per-replica endpoint slots (open) or 503 (closed). */
  failMode: SlotFailMode;
}

export interface HttpHardeningConfig {
  maxJsonDepth: number;
  maxStringLength: number;
  maxArrayLength: number;
  /** Objects, arrays and values in one body (object keys not counted). */
  maxNodes: number;
  /** Empty means CORS is off. */
  corsOrigins: string[];
}

export interface TracingConfig {
  /** An OTLP endpoint is set and neither OTEL_SDK_DISABLED nor OTEL_TRACES_EXPORTER=none turned it off. */
  enabled: boolean;
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl?: string;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: TraceSampler;
  samplerRatio: number;
  /** Prompt and completion text on spans (explicit opt-in). */
  captureContent: boolean;
}

export interface ObservabilityConfig {
  tracing: TracingConfig;
  /** Request and token counters labelled by caller id. */
  metricsPerCaller: boolean;
}

/** The validated, typed configuration; the injection token for it too. */
export class GatewayConfig {
  readonly server!: ServerConfig;
  readonly connections!: ConnectionsConfig;
  readonly inference!: InferenceConfig;
  readonly timeouts!: TimeoutsConfig;
  readonly auth!: AuthConfig;
  readonly rateLimit!: RateLimitConfig;
  readonly slots!: SlotsConfig;
  readonly httpHardening!: HttpHardeningConfig;
  readonly routing!: RoutingConfig;
  readonly observability!: ObservabilityConfig;
}
