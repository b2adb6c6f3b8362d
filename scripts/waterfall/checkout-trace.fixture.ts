// A hand-built OTLP/HTTP JSON export of one checkout, shaped like what the JS
// exporter sends (hex ids, nanosecond strings, integer kinds), one request per
// service. Times are milliseconds after T0 so the tests can reason about them:
//
//   0 ──────────── 300  gateway  POST /api/orders (server)
//    10 ────────── 290  gateway  POST (client)
//     20 ──────── 280   order    POST /orders (server)
//      25 ─ 45          order    pg.query:INSERT orders (client)
//      50 ─── 190       order    POST (client)
//       60 ── 180       payment  POST /payments (server, ERROR)
//             200 ─ 205 order    send notifications (producer)
//               230 ────── 400  notification  process notifications (consumer, outlives the request)
export const T0_MS = 1_760_000_000_000;
export const CHECKOUT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export const IDS = {
  gatewayServer: 'a000000000000001',
  gatewayClient: 'a000000000000002',
  orderServer: 'b000000000000001',
  orderInsert: 'b000000000000002',
  paymentClient: 'b000000000000003',
  orderPublish: 'b000000000000004',
  paymentServer: 'c000000000000001',
  notificationProcess: 'd000000000000001',
} as const;

export interface SpanSpec {
  id: string;
  parent?: string;
  name: string;
  kind: number | string;
  start: number;
  end: number;
  traceId?: string;
  status?: { code: number; message?: string };
  attributes?: unknown[];
}

export function nanos(ms: number): string {
  return (BigInt(T0_MS) * 1_000_000n + BigInt(Math.round(ms * 1e6))).toString();
}

export function otlpSpan(spec: SpanSpec): Record<string, unknown> {
  return {
    traceId: spec.traceId ?? CHECKOUT_TRACE_ID,
    spanId: spec.id,
    parentSpanId: spec.parent,
    name: spec.name,
    kind: spec.kind,
    startTimeUnixNano: nanos(spec.start),
    endTimeUnixNano: nanos(spec.end),
    attributes: spec.attributes ?? [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    status: spec.status ?? { code: 0 },
    links: [],
    droppedLinksCount: 0,
    flags: 257,
  };
}

/** One `ExportTraceServiceRequest` from one service. */
export function otlpExport(service: string, specs: SpanSpec[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
            { key: 'process.pid', value: { intValue: 4242 } },
          ],
          droppedAttributesCount: 0,
        },
        scopeSpans: [
          { scope: { name: '@opentelemetry/instrumentation-http', version: '0.300.0' }, spans: specs.map(otlpSpan) },
        ],
      },
    ],
  };
}

const method = (m: string) => ({ key: 'http.request.method', value: { stringValue: m } });
const status = (code: number) => ({ key: 'http.response.status_code', value: { intValue: String(code) } });

/** The four exports in the order a laptop would send them (each service's batch on its own schedule). */
export function checkoutExports(): Record<string, unknown>[] {
  return [
    otlpExport('payment', [
      {
        id: IDS.paymentServer,
        parent: IDS.paymentClient,
        name: 'POST /payments',
        kind: 2,
        start: 60,
        end: 180,
        status: { code: 2, message: 'card issuer unavailable' },
        attributes: [method('POST'), status(502)],
      },
    ]),
    otlpExport('order', [
      {
        id: IDS.paymentClient,
        parent: IDS.orderServer,
        name: 'POST',
        kind: 3,
        start: 50,
        end: 190,
        status: { code: 2 },
        attributes: [method('POST'), status(502)],
      },
      { id: IDS.orderPublish, parent: IDS.orderServer, name: 'send notifications', kind: 4, start: 200, end: 205 },
      {
        id: IDS.orderServer,
        parent: IDS.gatewayClient,
        name: 'POST /orders',
        kind: 2,
        start: 20,
        end: 280,
        attributes: [method('POST'), status(201)],
      },
      { id: IDS.orderInsert, parent: IDS.orderServer, name: 'pg.query:INSERT orders', kind: 3, start: 25, end: 45 },
    ]),
    otlpExport('gateway', [
      { id: IDS.gatewayClient, parent: IDS.gatewayServer, name: 'POST', kind: 3, start: 10, end: 290 },
      {
        id: IDS.gatewayServer,
        name: 'POST /api/orders',
        kind: 2,
        start: 0,
        end: 300,
        attributes: [method('POST'), status(201)],
      },
    ]),
    // Another SDK might spell the kind as an enum name: accepted too.
    otlpExport('notification', [
      {
        id: IDS.notificationProcess,
        parent: IDS.orderPublish,
        name: 'process notifications',
        kind: 'SPAN_KIND_CONSUMER',
        start: 230,
        end: 400,
      },
    ]),
  ];
}

/** All four services' spans in one request. */
export function checkoutPayload(): { resourceSpans: unknown[] } {
  return { resourceSpans: checkoutExports().flatMap((request) => request.resourceSpans as unknown[]) };
}
