import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { ToBoolean, ToInt } from './env-transforms';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** HTTP server settings. */
export class ServerEnv {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 8080;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Largest accepted request body; larger bodies get 413. */
  @ToInt()
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** After SIGTERM: how long accepted requests (streams included) may run before the process exits. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DRAIN_TIMEOUT_MS = 25_000;

  /** Serve the OpenAPI document (/openapi.json) and its page (/docs); on by default except in production. */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  OPENAPI_ENABLED?: boolean;
}
