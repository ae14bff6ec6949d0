import { IsInt, Max, Min } from 'class-validator';

import { ToInt } from './env-transforms';

const HOUR_MS = 3_600_000;

/** How long a client may take to send a request, and how many sockets it may hold open. */
export class ConnectionsEnv {
  /** From a request's first byte until its headers are complete. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(HOUR_MS)
  REQUEST_HEADERS_TIMEOUT_MS = 10_000;

  /** From a request's first byte until its whole body has arrived; the response is not bounded by it. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(HOUR_MS)
  REQUEST_BODY_TIMEOUT_MS = 30_000;

  /** How long an idle keep-alive connection stays open between two requests. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(HOUR_MS)
  KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** Open client sockets (idle keep-alive ones included); 0 means no limit. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  MAX_CONNECTIONS = 1024;
}
