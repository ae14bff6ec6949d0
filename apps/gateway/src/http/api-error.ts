import type { ErrorCode, ErrorSpec } from '@gateway/errors';

/** How an error is told to a client, independent of the API family's JSON shape. */
export interface ApiError {
  status: number;
  /** Stable machine-readable code from the error catalogue (`validation_error`, `upstream_unavailable`...). */
  code: ErrorCode;
  message: string;
  /** The catalogue entry of `code`: metrics outcome, OpenAI type, retry policy. */
  spec: ErrorSpec;
  /** The offending request field, when one is known. */
  param?: string;
  /** Seconds after which retrying makes sense. */
  retryAfterSeconds?: number;
}
