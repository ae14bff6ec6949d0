import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { InferenceEnv } from './env/inference.env';
import { ServerEnv } from './env/server.env';
import { TimeoutsEnv } from './env/timeouts.env';
import { GatewayConfig } from './gateway-config';
import { normaliseOllamaHost } from './ollama-host';

export type RawEnv = Readonly<Record<string, string | undefined>>;

/** Values of these keys may hold credentials and are never echoed in error messages. */
const SECRET_KEY_PATTERN = /SECRET|PASSWORD|TOKEN|REDIS_URL|JWKS_URL/;

const ENV_SCHEMAS = [ServerEnv, InferenceEnv, TimeoutsEnv] as const;

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
  const server = parseSection(ServerEnv, env, problems);
  const inference = parseSection(InferenceEnv, env, problems);
  const timeouts = parseSection(TimeoutsEnv, env, problems);

  let ollamaHost = inference.OLLAMA_HOST;
  try {
    ollamaHost = normaliseOllamaHost(inference.OLLAMA_HOST);
  } catch (error) {
    problems.push(`OLLAMA_HOST: ${(error as Error).message}`);
  }
  if (server.NODE_ENV === 'production' && inference.INFERENCE_BACKEND === undefined) {
    problems.push('INFERENCE_BACKEND: must be set explicitly (ollama or embedded) when NODE_ENV=production');
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }

  return Object.assign(new GatewayConfig(), {
    server: {
      nodeEnv: server.NODE_ENV,
      host: server.HOST,
      port: server.PORT,
      logLevel: server.LOG_LEVEL,
      bodyLimitBytes: server.BODY_LIMIT_BYTES,
      drainTimeoutMs: server.DRAIN_TIMEOUT_MS,
    },
    inference: {
      backend: inference.INFERENCE_BACKEND ?? 'embedded',
      backendDefaulted: inference.INFERENCE_BACKEND === undefined,
      ollamaHost,
      modelName: inference.MODEL_NAME,
      modelPath: inference.MODEL_PATH,
      embeddedThreads: inference.EMBEDDED_THREADS,
      embeddedContextSize: inference.EMBEDDED_CONTEXT_SIZE,
      embeddedParallel: inference.EMBEDDED_PARALLEL,
    },
    timeouts: {
      firstTokenMs: timeouts.FIRST_TOKEN_TIMEOUT_MS,
      idleMs: timeouts.IDLE_TIMEOUT_MS,
      totalMs: timeouts.REQUEST_TIMEOUT_MS,
      heartbeatIntervalMs: timeouts.HEARTBEAT_INTERVAL_MS,
      readinessCacheMs: timeouts.READINESS_CACHE_MS,
      healthCheckMs: timeouts.HEALTH_CHECK_TIMEOUT_MS,
    },
  });
}

/** Validates one schema against the keys it declares; unset and empty values keep their defaults. */
export function parseSection<T extends object>(schema: new () => T, env: RawEnv, problems: string[]): T {
  const keys = Object.keys(new schema());
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value.trim()]];
    }),
  );
  const instance = plainToInstance(schema, present);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  problems.push(...errors.map((error) => describe(error, env)));
  return instance;
}

function describe(error: ValidationError, env: RawEnv): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const given = env[error.property];
  if (given === undefined) {
    return `${error.property}: ${reasons}`;
  }
  const shown = SECRET_KEY_PATTERN.test(error.property) ? '<redacted>' : given;
  return `${error.property}="${shown}": ${reasons}`;
}
