import { ObservabilityEnv } from '../env/observability.env';
import type { ObservabilityConfig, TracingConfig } from '../gateway-config';
import { parseSection, type RawEnv } from '../parse-section';

const DEFAULT_SERVICE_NAME = 'llm-gateway';

export function buildObservabilityConfig(env: RawEnv, problems: string[]): ObservabilityConfig {
  const raw = parseSection(ObservabilityEnv, env, problems);
  const resourceAttributes = parseResourceAttributes(raw.OTEL_RESOURCE_ATTRIBUTES ?? '', problems);
  const tracesUrl = tracesUrlOf(raw, problems);
  const tracing: TracingConfig = {
    enabled: tracesUrl !== undefined && !raw.OTEL_SDK_DISABLED && raw.OTEL_TRACES_EXPORTER === 'otlp',
    tracesUrl,
    serviceName: raw.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? DEFAULT_SERVICE_NAME,
    resourceAttributes,
    sampler: raw.OTEL_TRACES_SAMPLER,
    samplerRatio: raw.OTEL_TRACES_SAMPLER_ARG,
    captureContent: raw.OTEL_GENAI_CAPTURE_CONTENT,
  };
  return { tracing, metricsPerCaller: raw.METRICS_PER_CALLER };
}

/** The signal-specific URL is used as is; the base URL gets `v1/traces` appended (OTLP/HTTP rules). */
function tracesUrlOf(raw: ObservabilityEnv, problems: string[]): string | undefined {
  if (raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined) {
    return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, problems);
  }
  if (raw.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
    const base = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', raw.OTEL_EXPORTER_OTLP_ENDPOINT, problems);
    return base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`;
  }
  return undefined;
}

function httpUrl(key: string, value: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${key}: must be an http:// or https:// URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${key}: must be an http:// or https:// URL`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(`${key}: must not carry credentials in the URL`);
    return undefined;
  }
  return value;
}

/** `k1=v1,k2=v2` with percent-encoded values; a malformed entry is reported, not skipped. */
function parseResourceAttributes(text: string, problems: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') {
      continue;
    }
    const at = entry.indexOf('=');
    const key = at === -1 ? '' : entry.slice(0, at).trim();
    if (key === '') {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: "${entry.trim()}" is not key=value`);
      continue;
    }
    try {
      attributes[key] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: the value of ${key} is not valid percent-encoding`);
    }
  }
  return attributes;
}
