import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

import { ToInt, ToList } from './env-transforms';

/** Limits on what a request body may contain, and which browser origins may call the API. */
export class HttpHardeningEnv {
  /** Deepest nesting of objects and arrays accepted in a JSON body. */
  @ToInt()
  @IsInt()
  @Min(2)
  @Max(1_000)
  MAX_JSON_DEPTH = 32;

  /** Longest string (in characters) accepted anywhere in a JSON body. */
  @ToInt()
  @IsInt()
  @Min(16)
  @Max(64 * 1024 * 1024)
  MAX_STRING_LENGTH = 256 * 1024;

  /** Most elements accepted in one JSON array (8192: one OpenAI-sized list of token ids). */
  @ToInt()
  @IsInt()
  @Min(16)
  @Max(10_000_000)
  MAX_JSON_ARRAY_LENGTH = 8192;

  /** Most objects, arrays and values accepted in one JSON body, object keys not counted. */
  @ToInt()
  @IsInt()
  @Min(16)
  @Max(100_000_000)
  MAX_JSON_NODES = 100_000;

  /** Comma-separated browser origins allowed by CORS; unset means CORS stays off. */
  @IsOptional()
  @ToList()
  @IsString({ each: true })
  CORS_ORIGINS?: string[];
}
