import { IsBoolean, IsIn, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { ToBoolean, ToNumber } from './env-transforms';

export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

/**
 * Traces (the standard OpenTelemetry variables, with their standard meaning) and per-caller usage
 * metrics. Tracing is off unless an OTLP endpoint is set.
 */
export class ObservabilityEnv {
  /** Base URL of an OTLP/HTTP receiver; traces go to `<base>/v1/traces`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** Full URL for traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /** The exporter sends OTLP over HTTP with JSON bodies; other encodings are refused, not ignored. */
  @IsIn(['http/json'], { message: 'OTEL_EXPORTER_OTLP_PROTOCOL: only http/json is supported' })
  OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';

  /** `otlp`, or `none` to turn tracing off while keeping the endpoint configured. */
  @IsIn(['otlp', 'none'])
  OTEL_TRACES_EXPORTER = 'otlp';

  @ToBoolean()
  @IsBoolean()
  OTEL_SDK_DISABLED = false;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME?: string;

  /** `key=value` pairs separated by commas, values percent-encoded (the OpenTelemetry format). */
  @IsOptional()
  @IsString()
  OTEL_RESOURCE_ATTRIBUTES?: string;

  @IsIn(TRACE_SAMPLERS)
  OTEL_TRACES_SAMPLER: TraceSampler = 'parentbased_always_on';

  /** The ratio of the `traceidratio` samplers. */
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG = 1;

  /** Records prompts and completions on spans: they may hold personal or secret data. */
  @ToBoolean()
  @IsBoolean()
  OTEL_GENAI_CAPTURE_CONTENT = false;

  /** Request and token counters labelled by key id or JWT subject (one series per caller). */
  @ToBoolean()
  @IsBoolean()
  METRICS_PER_CALLER = false;
}
