import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { countProtobufSpans } from '../../../bench/overhead/otlp-count.mjs';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';

function span(service: string, traceId: string, name: string): ReadableSpan {
  return {
    name,
    kind: SpanKind.SERVER,
    spanContext: () => ({ traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: undefined,
    startTime: [1, 0],
    endTime: [1, 500],
    status: { code: SpanStatusCode.UNSET },
    attributes: { 'http.route': '/api/orders', 'service.name': 'not-the-resource' },
    links: [],
    events: [],
    duration: [0, 500],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.0.0' }),
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

describe('countProtobufSpans()', () => {
  it('counts every span of an OTLP protobuf export by the service.name of its resource, with its trace id', () => {
    const spans = [
      span('gateway', TRACE_A, 'POST /api/orders'),
      span('order', TRACE_A, 'POST /orders'),
      span('order', TRACE_B, 'pg.query:INSERT orders'),
    ];
    const seen: [string, string][] = [];
    countProtobufSpans(
      Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
      (service: string, traceId: string) => seen.push([service, traceId]),
    );
    expect(seen.sort()).toEqual([
      ['gateway', TRACE_A],
      ['order', TRACE_A],
      ['order', TRACE_B],
    ]);
  });

  it('rejects a body that is not protobuf (a JSON export sent with the wrong content type)', () => {
    const json = Buffer.from(JsonTraceSerializer.serializeRequest([span('gateway', TRACE_A, 'x')])!);
    expect(() => countProtobufSpans(json, () => {})).toThrow();
  });
});
