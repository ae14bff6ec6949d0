import { OllamaApiEnv } from '../env/ollama-api.env';
import type { OllamaApiConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

export function buildOllamaApiConfig(env: RawEnv, problems: string[]): OllamaApiConfig {
  const section = parseSection(OllamaApiEnv, env, problems);
  return { enabled: section.OLLAMA_API === 'on' };
}
