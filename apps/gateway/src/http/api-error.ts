/** How an error is told to a client, independent of the API family's JSON shape. */
export interface ApiError {
  status: number;
  /** Stable machine-readable code (`validation_error`, `upstream_unavailable`...). */
  code: string;
  message: string;
  /** The offending request field, when one is known. */
  param?: string;
  /** Seconds after which retrying makes sense. */
  retryAfterSeconds?: number;
}
