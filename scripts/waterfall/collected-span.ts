export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatusName = 'unset' | 'ok' | 'error';
export type AttributeValue = string | number | boolean | string[];

export interface SpanLinkRef {
  traceId: string;
  spanId: string;
}

/** One finished span as received over OTLP, flattened for rendering. Times are epoch milliseconds. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** The resource's `service.name`, or `'unknown'`. */
  service: string;
  kind: SpanKindName;
  startMs: number;
  endMs: number;
  durationMs: number;
  attributes: Record<string, AttributeValue>;
  status: SpanStatusName;
  statusMessage?: string;
  links: SpanLinkRef[];
}
