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

  /** Comma-separated browser origins allowed by CORS; unset means CORS stays off. */
  @IsOptional()
  @ToList()
  @IsString({ each: true })
  CORS_ORIGINS?: string[];
}
