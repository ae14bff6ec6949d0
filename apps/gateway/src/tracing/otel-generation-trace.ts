import type { AttemptObserver, GenerationRequest, GenerationResult } from '@gateway/inference';
import type { GenerationTrace } from '@gateway/request-context';
import {
  defaultTextMapSetter,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

import { ADMISSION_SPAN, ATTR, FIRST_TOKEN_EVENT } from './span-attributes';

export interface GenerationTraceSettings {
  /** `gen_ai.provider.name`: `ollama` or `llama.cpp`. */
  providerName: string;
  captureContent: boolean;
  /** Parses an endpoint name into server.address/server.port (cached by the caller). */
  serverAttributes: (endpoint: string) => Attributes;
}

const propagator = new W3CTraceContextPropagator();

/**
 * One generation's spans, children of the request's span: `admission` (the wait for a backend slot,
 * recorded once the wait is over) and one CLIENT span per attempt on an endpoint, named
 * `{operation} {model}` with the GenAI attributes, whose context is what the backend receives as
 * `traceparent`. Every timestamp is an explicit performance.now(), as the request's span uses: left to
 * the SDK's own clock, a child could end a fraction of a millisecond after its parent.
 */
export class OtelGenerationTrace implements GenerationTrace {
  private readonly startedAt = performance.now();
  private readonly operation: 'chat' | 'text_completion';
  private admittedOnce = false;
  private attempt?: Span;
  private output = '';

  constructor(
    private readonly tracer: Tracer,
    private readonly parent: Context,
    private readonly settings: GenerationTraceSettings,
    private readonly request: GenerationRequest,
    /** performance.now() at the request's entry, for the first-token event's TTFT. */
    private readonly requestStartedAt: number,
  ) {
    this.operation = request.input.kind === 'chat' ? 'chat' : 'text_completion';
  }

  admitted(waitedMs: number): void {
    const now = performance.now();
    this.admittedOnce = true;
    const span = this.tracer.startSpan(
      ADMISSION_SPAN,
      { kind: SpanKind.INTERNAL, startTime: now - waitedMs, attributes: { [ATTR.queueWaitMs]: waitedMs } },
      this.parent,
    );
    span.end(now);
  }

  readonly onAttempt = (endpoint: string): AttemptObserver => {
    const span = this.tracer.startSpan(
      `${this.operation} ${this.request.model}`,
      { kind: SpanKind.CLIENT, startTime: performance.now(), attributes: this.requestAttributes(endpoint) },
      this.parent,
    );
    this.attempt = span;
    this.output = '';
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(this.parent, span), headers, defaultTextMapSetter);
    return {
      headers,
      end: (error, result) => {
        if (result !== undefined) {
          this.recordResult(span, result);
        }
        if (error !== undefined) {
          span.setAttribute(ATTR.errorType, errorTypeOf(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        }
        span.end(performance.now());
        if (this.attempt === span) {
          this.attempt = undefined;
        }
      },
    };
  };

  delta(text: string, first: boolean): void {
    if (first) {
      const ttftMs = performance.now() - this.requestStartedAt;
      this.attempt?.addEvent(FIRST_TOKEN_EVENT, { [ATTR.ttftMs]: ttftMs }, performance.now());
    }
    if (this.settings.captureContent) {
      this.output += text;
    }
  }

  private recordResult(span: Span, result: GenerationResult): void {
    span.setAttributes({
      [ATTR.genAiResponseModel]: result.model,
      [ATTR.genAiFinishReasons]: [result.finishReason],
      [ATTR.genAiInputTokens]: result.usage.promptTokens,
      [ATTR.genAiOutputTokens]: result.usage.completionTokens,
    });
    if (this.settings.captureContent) {
      const text = this.output || result.text;
      span.setAttribute(
        ATTR.genAiOutputMessages,
        JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: result.finishReason },
        ]),
      );
    }
  }

  failed(error: unknown): void {
    if (this.admittedOnce) {
      return;
    }
    const span = this.tracer.startSpan(
      ADMISSION_SPAN,
      { kind: SpanKind.INTERNAL, startTime: this.startedAt },
      this.parent,
    );
    span.setAttribute(ATTR.errorType, errorTypeOf(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    span.end(performance.now());
  }

  private requestAttributes(endpoint: string): Attributes {
    const { params, input, model } = this.request;
    const attributes: Attributes = {
      [ATTR.genAiOperation]: this.operation,
      [ATTR.genAiProvider]: this.settings.providerName,
      [ATTR.genAiRequestModel]: model,
      [ATTR.genAiMaxTokens]: params.maxTokens,
      ...this.settings.serverAttributes(endpoint),
    };
    if (params.temperature !== undefined) {
      attributes[ATTR.genAiTemperature] = params.temperature;
    }
    if (params.topP !== undefined) {
      attributes[ATTR.genAiTopP] = params.topP;
    }
    if (params.seed !== undefined) {
      attributes[ATTR.genAiSeed] = params.seed;
    }
    if (this.settings.captureContent) {
      const messages =
        input.kind === 'chat'
          ? input.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))
          : [{ role: 'user', parts: [{ type: 'text', content: input.prompt }] }];
      attributes[ATTR.genAiInputMessages] = JSON.stringify(messages);
    }
    return attributes;
  }
}

/** The domain error's stable code (`upstream_timeout`…), else the error's class name. */
function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    return code;
  }
  return error instanceof Error ? error.name : 'unknown';
}
