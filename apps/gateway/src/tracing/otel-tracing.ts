import type { IncomingMessage } from 'node:http';

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig, TracingConfig } from '@gateway/config';
import type { RequestTrace } from '@gateway/request-context';
import { defaultTextMapGetter, ROOT_CONTEXT, type Attributes, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

import { GatewayTracing } from './gateway-tracing';
import type { GenerationTraceSettings } from './otel-generation-trace';
import { OtelRequestTrace } from './otel-request-trace';
import { ATTR } from './span-attributes';
import { createTracerProvider } from './tracer-provider';

/** Probes and scrapes: a trace every few seconds per replica that nobody needs. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Tracing on: starts each request's trace (continuing the caller's W3C `traceparent`), and flushes the
 * spans still batched when the application shuts down.
 */
export class OtelTracing extends GatewayTracing implements OnApplicationShutdown {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly settings: GenerationTraceSettings;
  private readonly servers = new Map<string, Attributes>();

  constructor(config: GatewayConfig, tracing: TracingConfig & { tracesUrl: string }) {
    super();
    this.provider = createTracerProvider(tracing);
    this.tracer = this.provider.getTracer('llm-gateway');
    const content = tracing.captureContent ? ', recording prompts and completions' : '';
    new Logger('Tracing').log(
      `exporting spans to ${tracing.tracesUrl} (sampler ${tracing.sampler}, ratio ${tracing.samplerRatio}${content})`,
    );
    this.settings = {
      providerName: config.inference.backend === 'ollama' ? 'ollama' : 'llama.cpp',
      captureContent: tracing.captureContent,
      serverAttributes: (endpoint) => this.serverAttributes(endpoint),
    };
  }

  start(req: IncomingMessage, requestId: string, startedAt: number): RequestTrace | undefined {
    const path = pathOf(req);
    if (UNTRACED_PATHS.has(path)) {
      return undefined;
    }
    const parent = this.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    return new OtelRequestTrace(this.tracer, this.settings, parent, {
      method: req.method ?? 'GET',
      path,
      requestId,
      startedAt,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.shutdown();
  }

  /** `server.address`/`server.port` of a configured endpoint URL; none for the embedded engine. */
  private serverAttributes(endpoint: string): Attributes {
    let attributes = this.servers.get(endpoint);
    if (attributes === undefined) {
      attributes = {};
      if (URL.canParse(endpoint)) {
        const url = new URL(endpoint);
        const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
        attributes = { [ATTR.serverAddress]: url.hostname, [ATTR.serverPort]: port };
      }
      this.servers.set(endpoint, attributes);
    }
    return attributes;
  }
}

/** The path without its query (which may carry credentials); Express rewrites `url` under middleware. */
function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
