import type { RequestOutcome } from '@gateway/errors';
import type { GenerationRequest } from '@gateway/inference';
import type { GenerationTrace, RequestTrace } from '@gateway/request-context';
import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';

import { OtelGenerationTrace, type GenerationTraceSettings } from './otel-generation-trace';
import { ATTR } from './span-attributes';

/** Outcomes that are the gateway's or the backend's failure, not the caller's (span status ERROR). */
const FAILED_OUTCOMES = new Set<RequestOutcome>(['upstream_error', 'timeout', 'internal_error']);

/** The request's SERVER span; generations hang their admission and upstream spans under it. */
export class OtelRequestTrace implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  private readonly method: string;
  private readonly startedAt: number;

  constructor(
    private readonly tracer: Tracer,
    private readonly settings: GenerationTraceSettings,
    parent: Context,
    request: { method: string; path: string; requestId: string; startedAt: number },
  ) {
    this.method = request.method;
    this.startedAt = request.startedAt;
    this.span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        startTime: request.startedAt,
        attributes: {
          [ATTR.httpMethod]: request.method,
          [ATTR.urlPath]: request.path,
          [ATTR.urlScheme]: 'http',
          [ATTR.requestId]: request.requestId,
        },
      },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  generation(request: GenerationRequest): GenerationTrace {
    return new OtelGenerationTrace(this.tracer, this.context, this.settings, request, this.startedAt);
  }

  end(status: number, outcome: RequestOutcome, details: { route: string; callerId?: string }): void {
    const { span } = this;
    if (details.route !== 'unmatched') {
      span.updateName(`${this.method} ${details.route}`);
      span.setAttribute(ATTR.httpRoute, details.route);
    }
    span.setAttribute(ATTR.httpStatus, status);
    span.setAttribute(ATTR.outcome, outcome);
    if (details.callerId !== undefined) {
      span.setAttribute(ATTR.callerId, details.callerId);
    }
    if (outcome !== 'success') {
      span.setAttribute(ATTR.errorType, outcome);
    }
    if (FAILED_OUTCOMES.has(outcome) || status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(performance.now());
  }
}
