/**
 * Counts the spans of an OTLP `ExportTraceServiceRequest` in protobuf wire
 * format by `service.name`, without a schema or a decoder library: the bench
 * only needs to know how many spans each service sent and in which traces.
 *
 *   ExportTraceServiceRequest { 1: repeated ResourceSpans }
 *   ResourceSpans { 1: Resource, 2: repeated ScopeSpans }
 *   Resource { 1: repeated KeyValue }   KeyValue { 1: string key, 2: AnyValue }   AnyValue { 1: string }
 *   ScopeSpans { 2: repeated Span }     Span { 1: bytes trace_id }
 */

/** The fields of one message: [fieldNumber, value] with value a Buffer (length-delimited) or a number. */
function* fields(buf) {
  let pos = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated protobuf');
      const byte = buf[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    if (wire === 0) yield [field, varint()];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      if (pos + length > buf.length) throw new Error('truncated protobuf');
      yield [field, buf.subarray(pos, pos + length)];
      pos += length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const child = (message, number) =>
  [...fields(message)].filter(([f, v]) => f === number && Buffer.isBuffer(v)).map(([, v]) => v);

function serviceName(resource) {
  for (const keyValue of child(resource, 1)) {
    const [key] = child(keyValue, 1);
    if (key?.toString('utf8') !== 'service.name') continue;
    const [value] = child(keyValue, 2);
    const [text] = value ? child(value, 1) : [];
    return text?.toString('utf8') ?? 'unknown';
  }
  return 'unknown';
}

/** Calls onSpan(service, traceIdHex) for every span in the request. */
export function countProtobufSpans(body, onSpan) {
  for (const resourceSpans of child(body, 1)) {
    const [resource] = child(resourceSpans, 1);
    const service = resource ? serviceName(resource) : 'unknown';
    for (const scopeSpans of child(resourceSpans, 2)) {
      for (const span of child(scopeSpans, 2)) onSpan(service, child(span, 1)[0]?.toString('hex') ?? '');
    }
  }
}
