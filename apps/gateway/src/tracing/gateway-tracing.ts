import type { IncomingMessage } from 'node:http';

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { RequestTrace } from '@gateway/request-context';
import { defaultTextMapGetter, ROOT_CONTEXT, type Attributes, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

import type { GenerationTraceSettings } from './otel-generation-trace';
import { OtelRequestTrace } from './otel-request-trace';
import { ATTR } from './span-attributes';
import { createTracerProvider } from './tracer-provider';

/** Probes and scrapes: a trace every few seconds per replica that nobody needs. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Starts each request's trace when tracing is configured (continuing the caller's W3C `traceparent`),
 * and flushes the spans still batched when the application shuts down. With tracing off, `start`
 * returns undefined at once: no span, no context, no propagation.
 */
@Injectable()
export class GatewayTracing implements OnApplicationShutdown {
  private readonly provider?: BasicTracerProvider;
  private readonly tracer?: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly settings: GenerationTraceSettings;
  private readonly servers = new Map<string, Attributes>();

  constructor(config: GatewayConfig) {
    const { tracing } = config.observability;
    if (tracing.enabled && tracing.tracesUrl !== undefined) {
      this.provider = createTracerProvider({ ...tracing, tracesUrl: tracing.tracesUrl });
      this.tracer = this.provider.getTracer('llm-gateway');
      const content = tracing.captureContent ? ', recording prompts and completions' : '';
      new Logger('Tracing').log(
        `exporting spans to ${tracing.tracesUrl} (sampler ${tracing.sampler}, ratio ${tracing.samplerRatio}${content})`,
      );
    }
    this.settings = {
      providerName: config.inference.backend === 'ollama' ? 'ollama' : 'llama.cpp',
      captureContent: tracing.captureContent,
      serverAttributes: (endpoint) => this.serverAttributes(endpoint),
    };
  }

  start(req: IncomingMessage, requestId: string, startedAt: number): RequestTrace | undefined {
    if (this.tracer === undefined) {
      return undefined;
    }
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
    await this.provider?.shutdown();
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
