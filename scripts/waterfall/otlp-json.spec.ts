import { describe, expect, it } from 'vitest';
import { CHECKOUT_TRACE_ID, IDS, T0_MS, checkoutPayload, otlpExport, otlpSpan } from './checkout-trace.fixture.js';
import { attributesToRecord, parseOtlpTraces } from './otlp-json.js';
import { InvalidOtlpPayloadError } from './otlp-values.js';

const byId = (spans: ReturnType<typeof parseOtlpTraces>, id: string) => spans.find((span) => span.spanId === id);

function parseError(body: unknown): InvalidOtlpPayloadError {
  try {
    parseOtlpTraces(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOtlpPayloadError);
    return error as InvalidOtlpPayloadError;
  }
  throw new Error('expected the payload to be rejected');
}

describe('parseOtlpTraces()', () => {
  it('flattens every span of every resource and names each by its service.name', () => {
    const spans = parseOtlpTraces(checkoutPayload());
    expect(spans).toHaveLength(8);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([CHECKOUT_TRACE_ID]));
    expect(byId(spans, IDS.paymentServer)?.service).toBe('payment');
    expect(byId(spans, IDS.notificationProcess)?.service).toBe('notification');
    expect(
      spans
        .filter((span) => span.service === 'order')
        .map((span) => span.spanId)
        .sort(),
    ).toEqual([IDS.orderServer, IDS.orderInsert, IDS.paymentClient, IDS.orderPublish].sort());
  });

  it('turns nanosecond strings into epoch milliseconds and a duration', () => {
    const order = byId(parseOtlpTraces(checkoutPayload()), IDS.orderServer);
    expect(order).toMatchObject({ startMs: T0_MS + 20, endMs: T0_MS + 280, durationMs: 260 });
  });

  it('keeps sub-millisecond precision of nanosecond strings beyond 2^53', () => {
    const span = { ...otlpSpan({ id: IDS.gatewayServer, name: 'x', kind: 2, start: 0, end: 0 }) };
    span.startTimeUnixNano = '1760000000000000000';
    span.endTimeUnixNano = '1760000000001234567';
    const [parsed] = parseOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    expect(parsed.durationMs).toBeCloseTo(1.234, 6);
  });

  it('maps integer and enum-name kinds', () => {
    const spans = parseOtlpTraces(checkoutPayload());
    expect(byId(spans, IDS.gatewayServer)?.kind).toBe('server');
    expect(byId(spans, IDS.gatewayClient)?.kind).toBe('client');
    expect(byId(spans, IDS.orderPublish)?.kind).toBe('producer');
    expect(byId(spans, IDS.notificationProcess)?.kind).toBe('consumer');
  });

  it('reads the parent, the error status and its message', () => {
    const spans = parseOtlpTraces(checkoutPayload());
    expect(byId(spans, IDS.paymentServer)).toMatchObject({
      parentSpanId: IDS.paymentClient,
      status: 'error',
      statusMessage: 'card issuer unavailable',
    });
    expect(byId(spans, IDS.paymentClient)).toMatchObject({ status: 'error' });
    expect(byId(spans, IDS.paymentClient)).not.toHaveProperty('statusMessage');
    expect(byId(spans, IDS.gatewayServer)).not.toHaveProperty('parentSpanId');
    expect(byId(spans, IDS.gatewayServer)?.status).toBe('unset');
  });

  it("falls back to the exception event's message for an error without a status message", () => {
    const span = {
      ...otlpSpan({ id: IDS.orderServer, name: 'x', kind: 1, start: 0, end: 1, status: { code: 2 } }),
      events: [
        { name: 'retry', attributes: [] },
        {
          name: 'exception',
          attributes: [{ key: 'exception.message', value: { stringValue: 'connect ECONNREFUSED' } }],
        },
      ],
    };
    const [parsed] = parseOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    expect(parsed.statusMessage).toBe('connect ECONNREFUSED');
  });

  it("names the service 'unknown' and defaults every optional part when they are missing", () => {
    const minimal = {
      traceId: CHECKOUT_TRACE_ID.toUpperCase(),
      spanId: IDS.orderServer,
      parentSpanId: '',
      startTimeUnixNano: 1_000_000,
      endTimeUnixNano: 3_500_000,
    };
    const [parsed] = parseOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: [minimal] }] }] });
    expect(parsed).toEqual({
      traceId: CHECKOUT_TRACE_ID,
      spanId: IDS.orderServer,
      name: '',
      service: 'unknown',
      kind: 'internal',
      startMs: 1,
      endMs: 3.5,
      durationMs: 2.5,
      attributes: {},
      status: 'unset',
      links: [],
    });
  });

  it('accepts base64 ids from generic protobuf-JSON senders and reads links', () => {
    const span = {
      ...otlpSpan({ id: IDS.orderServer, name: 'x', kind: 5, start: 0, end: 1 }),
      traceId: Buffer.from(CHECKOUT_TRACE_ID, 'hex').toString('base64'),
      links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), attributes: [] }],
    };
    const [parsed] = parseOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    expect(parsed.traceId).toBe(CHECKOUT_TRACE_ID);
    expect(parsed.links).toEqual([{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }]);
  });

  it('returns no spans for an empty export', () => {
    expect(parseOtlpTraces({})).toEqual([]);
    expect(parseOtlpTraces({ resourceSpans: [] })).toEqual([]);
    expect(parseOtlpTraces(otlpExport('order', []))).toEqual([]);
  });

  it('rejects a body that is not an object', () => {
    expect(parseError([]).message).toMatch(/the request body must be an object/);
    expect(parseError('{}').message).toMatch(/the request body must be an object/);
  });

  it('names the path of a malformed field and the value it got', () => {
    const bad = checkoutPayload();
    const spans = (bad.resourceSpans[1] as { scopeSpans: { spans: Record<string, unknown>[] }[] }).scopeSpans[0].spans;
    spans[2].traceId = 'not-hex';
    expect(parseError(bad).message).toBe(
      'Invalid OTLP trace payload: resourceSpans[1].scopeSpans[0].spans[2].traceId must be a 32-character hex string (got "not-hex")',
    );
  });

  it('rejects a span without a start time, a list that is not an array and an all-zero id', () => {
    const span = otlpSpan({ id: IDS.orderServer, name: 'x', kind: 1, start: 0, end: 1 });
    const wrap = (s: unknown) => ({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] });
    expect(parseError(wrap({ ...span, startTimeUnixNano: undefined })).message).toMatch(
      /spans\[0\]\.startTimeUnixNano is missing/,
    );
    expect(parseError(wrap({ ...span, startTimeUnixNano: '12.5' })).message).toMatch(
      /startTimeUnixNano must be a non-negative integer/,
    );
    expect(parseError(wrap({ ...span, spanId: '0000000000000000' })).message).toMatch(/spanId must not be all zeros/);
    expect(parseError({ resourceSpans: { length: 1 } }).message).toMatch(/resourceSpans must be an array/);
  });
});

describe('attributesToRecord()', () => {
  it('flattens every AnyValue shape to a plain value', () => {
    const record = attributesToRecord([
      { key: 's', value: { stringValue: 'text' } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'n', value: { intValue: 7 } },
      { key: 'big', value: { intValue: '9223372036854775807' } },
      { key: 'd', value: { doubleValue: 0.25 } },
      { key: 'b', value: { boolValue: false } },
      { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }, { boolValue: true }] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
      { key: 'bytes', value: { bytesValue: 'AQI=' } },
      { key: 'empty', value: {} },
    ]);
    expect(record).toEqual({
      s: 'text',
      i: 42,
      n: 7,
      big: '9223372036854775807',
      d: 0.25,
      b: false,
      a: ['x', '1', 'true'],
      kv: '{"k":"v"}',
      bytes: 'AQI=',
    });
  });

  it('treats missing attributes as none and rejects an entry without a string key', () => {
    expect(attributesToRecord(undefined)).toEqual({});
    expect(() => attributesToRecord([{ key: 1, value: { stringValue: 'x' } }])).toThrow(
      /attributes\[0\]\.key must be a string/,
    );
  });
});
