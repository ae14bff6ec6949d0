import { HttpHardeningEnv } from '../env/http-hardening.env';
import type { HttpHardeningConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildHttpHardeningConfig(env: RawEnv, problems: string[]): HttpHardeningConfig {
  const http = parseSection(HttpHardeningEnv, env, problems);
  return {
    maxJsonDepth: http.MAX_JSON_DEPTH,
    maxStringLength: http.MAX_STRING_LENGTH,
    maxArrayLength: http.MAX_JSON_ARRAY_LENGTH,
    maxNodes: http.MAX_JSON_NODES,
    corsOrigins: http.CORS_ORIGINS ?? [],
  };
}
