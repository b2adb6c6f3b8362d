import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

import { FAULT_ATTRIBUTE, faultMarker } from '../context/fault-marker.js';

const TRACER = 'nestjs-observability-workshop';

export function tracer() {
  return trace.getTracer(TRACER);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Parent context; the active one by default. */
  parent?: Context;
}

/** Marks a span failed with the error recorded as an exception event. */
export function recordError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Runs `work` in a new active span that ends when it settles; an error sets
 * the span's status and records the exception, then propagates.
 */
export function withSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const marker = faultMarker();
  const attributes = marker ? { ...options.attributes, [FAULT_ATTRIBUTE]: marker } : options.attributes;
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes, links: options.links },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** W3C trace context (traceparent, tracestate, baggage) of the active context, as plain headers. */
export function injectTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a carrier describes (ROOT when it has none). */
export function extractTraceContext(carrier: Record<string, unknown> | null | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(carrier)) {
    if (typeof value === 'string') headers[key] = value;
    else if (Buffer.isBuffer(value)) headers[key] = value.toString('utf8');
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** trace_id and span_id of the active span, for logs and exemplars. */
export function activeTraceIds(ctx: Context = context.active()): { trace_id: string; span_id: string } | undefined {
  const spanContext = trace.getSpan(ctx)?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Marks the active span failed (status and exception) without ending it. */
export function failActiveSpan(error: unknown): void {
  const span = trace.getActiveSpan();
  if (span) recordError(span, error);
}

/** Adds attributes (e.g. `order.id`) to the active span, if any, so a trace can be found by them. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

export { SpanKind };
