import { IsArray, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { ToInt, ToList } from './env-transforms';

/** Ollama endpoints found in DNS (a Kubernetes headless Service) rather than listed one by one. */
export class DiscoveryEnv {
  /** Comma-separated `dns://name:port`: every A/AAAA address of `name` is an endpoint on `port`. */
  @IsOptional()
  @ToList()
  @IsArray()
  @IsString({ each: true })
  OLLAMA_DISCOVERY?: string[];

  /** How often the names are resolved again. */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  OLLAMA_DISCOVERY_INTERVAL_MS = 5_000;

  /** Longest wait for one DNS answer; a late answer counts as a failure and keeps the last good set. */
  @ToInt()
  @IsInt()
  @Min(50)
  @Max(60_000)
  OLLAMA_DISCOVERY_TIMEOUT_MS = 2_000;

  /** Most addresses taken from one name; the rest of a larger answer is ignored (and logged). */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1_024)
  OLLAMA_DISCOVERY_MAX_ENDPOINTS = 64;

  /** DNS server to ask (`ip` or `ip:port`); unset: the system's resolvers (/etc/resolv.conf). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  OLLAMA_DISCOVERY_DNS_SERVER?: string;
}
