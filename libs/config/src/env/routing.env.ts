import { IsArray, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { ToInt, ToList } from './env-transforms';

/** Where generations go (several Ollama endpoints, a model table) and how much work each may take. */
export class RoutingEnv {
  /** Comma-separated Ollama endpoints; when set it replaces OLLAMA_HOST. */
  @IsOptional()
  @ToList()
  @IsArray()
  @IsString({ each: true })
  OLLAMA_HOSTS?: string[];

  /** Generations sent to one endpoint at once; match Ollama's OLLAMA_NUM_PARALLEL. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1024)
  MAX_INFLIGHT = 2;

  /** Requests that may wait for a free slot (all endpoints together); beyond it, 503 at once. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(100_000)
  MAX_QUEUE = 16;

  /** Longest wait for a slot before the request is shed with 503. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(600_000)
  MAX_QUEUE_WAIT_MS = 10_000;

  /** JSON or YAML model table (public ids, aliases, backend models, endpoints). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MODELS_FILE?: string;

  /** Consecutive backend failures that open an endpoint's circuit breaker. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  BREAKER_FAILURE_THRESHOLD = 3;

  /** How long an open breaker rests its endpoint before one probe request is let through. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  BREAKER_COOLDOWN_MS = 30_000;

  /**
   * With nothing to fail over to (one endpoint, or every breaker open), one probe request per this
   * interval still goes to an open endpoint; the others get 503 with the time left as Retry-After.
   */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  BREAKER_PROBE_INTERVAL_MS = 2_000;

  /** Extra attempts on another (or the same) endpoint, only before the first token was sent. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(10)
  UPSTREAM_RETRIES = 2;

  /** Base of the jittered exponential backoff between attempts. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(60_000)
  RETRY_BACKOFF_MS = 100;
}
