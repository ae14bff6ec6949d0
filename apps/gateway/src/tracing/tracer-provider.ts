import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';
import type { TracingConfig } from '@gateway/config';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

/** The SDK reports export failures through its diagnostic logger: send them to ours. */
function routeDiagnostics(): void {
  const logger = new Logger('Tracing');
  const sink: DiagLogger = {
    error: (message, ...args) => logger.error(format(message, args)),
    warn: (message, ...args) => logger.warn(format(message, args)),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(sink, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

function format(message: string, args: unknown[]): string {
  const detail = args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
  return detail === '' ? message : `${message} ${detail}`;
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

/** Spans are batched and exported over OTLP/HTTP (JSON); shutting the provider down flushes them. */
export function createTracerProvider(config: TracingConfig & { tracesUrl: string }): BasicTracerProvider {
  routeDiagnostics();
  const resource = defaultResource().merge(
    resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
  );
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  return new BasicTracerProvider({
    resource,
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}
