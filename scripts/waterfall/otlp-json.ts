import type { AttributeValue, CollectedSpan, SpanLinkRef } from './collected-span.js';
import {
  decodeId,
  decodeKeyValues,
  decodeKind,
  decodeStatusCode,
  fail,
  isRecord,
  optionalArray,
  requireRecord,
  decodeUnixNanos,
  nanosToMs,
} from './otlp-values.js';

/**
 * Flattens an OTLP/HTTP JSON `ExportTraceServiceRequest` into spans.
 * Throws `InvalidOtlpPayloadError` naming the offending path when the shape is wrong.
 */
export function parseOtlpTraces(body: unknown): CollectedSpan[] {
  const request = requireRecord(body, 'the request body');
  const spans: CollectedSpan[] = [];
  optionalArray(request.resourceSpans, 'resourceSpans').forEach((entry, r) => {
    const path = `resourceSpans[${r}]`;
    const resourceSpans = requireRecord(entry, path);
    const service = serviceName(resourceSpans.resource, `${path}.resource`);
    // instrumentationLibrarySpans: the pre-1.0 name some old exporters still send.
    const scopes = resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans;
    optionalArray(scopes, `${path}.scopeSpans`).forEach((scope, s) => {
      const scopePath = `${path}.scopeSpans[${s}]`;
      const list = requireRecord(scope, scopePath).spans;
      optionalArray(list, `${scopePath}.spans`).forEach((span, i) => {
        spans.push(parseSpan(span, service, `${scopePath}.spans[${i}]`));
      });
    });
  });
  return spans;
}

/** OTLP `KeyValue[]` to a plain record (arrays become `string[]`, key-value lists JSON text). */
export function attributesToRecord(attributes: unknown): Record<string, AttributeValue> {
  return decodeKeyValues(attributes, 'attributes');
}

function serviceName(resource: unknown, path: string): string {
  if (resource === undefined || resource === null) return 'unknown';
  const name = decodeKeyValues(requireRecord(resource, path).attributes, `${path}.attributes`)['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown';
}

function parseSpan(value: unknown, service: string, path: string): CollectedSpan {
  const span = requireRecord(value, path);
  const traceId = decodeId(span.traceId, 16, `${path}.traceId`);
  const spanId = decodeId(span.spanId, 8, `${path}.spanId`);
  if (span.startTimeUnixNano === undefined) fail(`${path}.startTimeUnixNano`, 'is missing');
  const start = decodeUnixNanos(span.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endValue = span.endTimeUnixNano ?? span.startTimeUnixNano;
  const decodedEnd = decodeUnixNanos(endValue, `${path}.endTimeUnixNano`);
  const end = decodedEnd < start ? start : decodedEnd;
  if (span.name !== undefined && typeof span.name !== 'string') fail(`${path}.name`, 'must be a string', span.name);
  const status = isRecord(span.status) ? span.status : {};
  const attributes = decodeKeyValues(span.attributes, `${path}.attributes`);
  const collected: CollectedSpan = {
    traceId,
    spanId,
    name: span.name ?? '',
    service,
    kind: decodeKind(span.kind),
    startMs: nanosToMs(start),
    endMs: nanosToMs(end),
    durationMs: nanosToMs(end - start),
    attributes,
    status: decodeStatusCode(status.code),
    links: parseLinks(span.links, `${path}.links`),
  };
  const parent = parentId(span.parentSpanId, `${path}.parentSpanId`);
  if (parent !== undefined) collected.parentSpanId = parent;
  const message = statusMessage(collected.status, status.message, span.events, `${path}.events`);
  if (message !== undefined) collected.statusMessage = message;
  return collected;
}

/** Protobuf JSON omits empty bytes; some senders write "" or zeros for "no parent". */
function parentId(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '' || (typeof value === 'string' && /^0+$/.test(value))) {
    return undefined;
  }
  return decodeId(value, 8, path);
}

function parseLinks(value: unknown, path: string): SpanLinkRef[] {
  return optionalArray(value, path).map((entry, i) => {
    const link = requireRecord(entry, `${path}[${i}]`);
    return {
      traceId: decodeId(link.traceId, 16, `${path}[${i}].traceId`),
      spanId: decodeId(link.spanId, 8, `${path}[${i}].spanId`),
    };
  });
}

/** The status message, else for an error the first recorded exception's message (what `recordException` leaves). */
function statusMessage(status: string, message: unknown, events: unknown, path: string): string | undefined {
  if (typeof message === 'string' && message !== '') return message;
  if (status !== 'error') return undefined;
  for (const [i, event] of optionalArray(events, path).entries()) {
    if (!isRecord(event) || event.name !== 'exception') continue;
    const text = decodeKeyValues(event.attributes, `${path}[${i}].attributes`)['exception.message'];
    if (typeof text === 'string' && text !== '') return text;
  }
  return undefined;
}
