import { ConfigValidationError, loadConfig } from '../load-config';

const base = { INFERENCE_BACKEND: 'ollama' };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  return '';
}

describe('observability configuration', () => {
  it('leaves tracing and per-caller metrics off by default', () => {
    const { observability } = loadConfig(base);
    expect(observability.metricsPerCaller).toBe(false);
    expect(observability.tracing).toMatchObject({
      enabled: false,
      tracesUrl: undefined,
      serviceName: 'llm-gateway',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      captureContent: false,
    });
  });

  it('sends traces to <endpoint>/v1/traces, or to the traces endpoint exactly as given', () => {
    const fromBase = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(fromBase.observability.tracing).toMatchObject({
      enabled: true,
      tracesUrl: 'http://collector:4318/v1/traces',
    });
    const explicit = loadConfig({
      ...base,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/spans',
    });
    expect(explicit.observability.tracing.tracesUrl).toBe('https://traces.example.com/otlp/spans');
  });

  it('keeps tracing off when the SDK is disabled or the exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(
      loadConfig({ ...base, ...endpoint, OTEL_SDK_DISABLED: 'true' }).observability.tracing.enabled,
    ).toBe(false);
    expect(
      loadConfig({ ...base, ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).observability.tracing.enabled,
    ).toBe(false);
  });

  it('reads the service name, resource attributes, sampler and the opt-ins', () => {
    const { observability } = loadConfig({
      ...base,
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs, deployment.environment.name=prod,team=a%2Cb',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_GENAI_CAPTURE_CONTENT: 'true',
      METRICS_PER_CALLER: 'yes',
    });
    expect(observability.tracing).toMatchObject({
      serviceName: 'from-attrs',
      resourceAttributes: {
        'service.name': 'from-attrs',
        'deployment.environment.name': 'prod',
        team: 'a,b',
      },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      captureContent: true,
    });
    expect(observability.metricsPerCaller).toBe(true);
    const named = loadConfig({
      ...base,
      OTEL_SERVICE_NAME: 'gateway-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored',
    });
    expect(named.observability.tracing.serviceName).toBe('gateway-eu');
  });

  it('names every bad value at once', () => {
    const message = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_RESOURCE_ATTRIBUTES: 'team',
      METRICS_PER_CALLER: 'maybe',
    });
    expect(message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL');
    expect(message).toContain('only http/json is supported');
    expect(message).toContain('OTEL_TRACES_SAMPLER="sometimes"');
    expect(message).toContain('OTEL_TRACES_SAMPLER_ARG="2"');
    expect(message).toContain('OTEL_RESOURCE_ATTRIBUTES: "team" is not key=value');
    expect(message).toContain('METRICS_PER_CALLER="maybe"');
  });

  it('refuses credentials in the endpoint URL without echoing them', () => {
    const message = problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:hunter2@collector:4318' });
    expect(message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: must not carry credentials in the URL');
    expect(message).not.toContain('hunter2');
  });
});
