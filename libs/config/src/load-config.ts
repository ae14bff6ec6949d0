import { AuthEnv } from './env/auth.env';
import { DiscoveryEnv } from './env/discovery.env';
import { ConnectionsEnv } from './env/connections.env';
import { HttpHardeningEnv } from './env/http-hardening.env';
import { InferenceEnv } from './env/inference.env';
import { ObservabilityEnv } from './env/observability.env';
import { RateLimitEnv } from './env/rate-limit.env';
import { RoutingEnv } from './env/routing.env';
import { ServerEnv } from './env/server.env';
import { SlotsEnv } from './env/slots.env';
import { TimeoutsEnv } from './env/timeouts.env';
import { GatewayConfig } from './gateway-config';
import type { RawEnv } from './parse-section';
import { buildAuthConfig } from './sections/auth.section';
import { buildConnectionsConfig } from './sections/connections.section';
import { buildHttpHardeningConfig } from './sections/http-hardening.section';
import { buildInferenceConfig } from './sections/inference.section';
import { buildObservabilityConfig } from './sections/observability.section';
import { buildRateLimitConfig } from './sections/rate-limit.section';
import { buildRoutingConfig } from './sections/routing.section';
import { buildServerConfig } from './sections/server.section';
import { buildSlotsConfig } from './sections/slots.section';
import { buildTimeoutsConfig } from './sections/timeouts.section';

export type { RawEnv } from './parse-section';

/** Every schema whose keys the gateway reads; a new section adds its schema here. */
const ENV_SCHEMAS: ReadonlyArray<new () => object> = [
  ServerEnv,
  ConnectionsEnv,
  InferenceEnv,
  TimeoutsEnv,
  RoutingEnv,
  DiscoveryEnv,
  AuthEnv,
  RateLimitEnv,
  SlotsEnv,
  HttpHardeningEnv,
  ObservabilityEnv,
];

/** Start-up stops with this error; its message lists every bad key at once. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Every environment variable name the gateway reads. */
export function acceptedEnvKeys(): string[] {
  return ENV_SCHEMAS.flatMap((schema) => Object.keys(new schema())).sort();
}

/** Validates the environment once and returns the typed configuration. */
export function loadConfig(env: RawEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  const server = buildServerConfig(env, problems);
  const context = { env, nodeEnv: server.nodeEnv, problems };
  const inference = buildInferenceConfig(context);
  const config = Object.assign(new GatewayConfig(), {
    server,
    connections: buildConnectionsConfig(env, problems),
    inference,
    timeouts: buildTimeoutsConfig(env, problems),
    auth: buildAuthConfig(context),
    rateLimit: buildRateLimitConfig(env, problems),
    slots: buildSlotsConfig(env, problems),
    httpHardening: buildHttpHardeningConfig(env, problems),
    routing: buildRoutingConfig(context, inference.ollamaHost),
    observability: buildObservabilityConfig(env, problems),
  });
  if (config.inference.backend === 'embedded' && config.routing.discovery.sources.length > 0) {
    problems.push('OLLAMA_DISCOVERY: applies to the Ollama backend only (set INFERENCE_BACKEND=ollama)');
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }
  return config;
}
