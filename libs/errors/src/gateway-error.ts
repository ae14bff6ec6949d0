import { ERROR_CATALOGUE, type ErrorCode, type ErrorSpec } from './error-catalogue';

export interface GatewayErrorOptions {
  /** The request field at fault, when one is known. */
  param?: string;
  /** Overrides the catalogue's Retry-After (a queue or a limit knows better). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * Base of every error the gateway raises on purpose. Its code picks the catalogue entry; its message is
 * shown to clients, so it must never carry upstream text, internals or secrets.
 */
export class GatewayError extends Error {
  readonly param?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, { cause: options.cause });
    this.name = new.target.name;
    this.param = options.param;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get spec(): ErrorSpec {
    return ERROR_CATALOGUE[this.code];
  }
}
