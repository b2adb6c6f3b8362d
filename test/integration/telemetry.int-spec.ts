import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from '../../scripts/waterfall/index.js';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
import { SERVICES, Stack, backingServices, eventually } from './support/stack.js';

/**
 * The four services as real processes exporting OTLP to a real OTLP/HTTP
 * receiver, on PostgreSQL and RabbitMQ: one order must be one trace across all
 * four, and its id must be in the logs and the exemplars.
 */
const CARD = ORDER.payment.cardNumber;

let collector: OtlpCollector;
let stack: Stack;

const otelEnv = (endpoint: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  collector = await startOtlpCollector({ port: 0, idleMs: 500, onTrace: () => {} });
  const { adminUrl, rabbitUrl } = backingServices();
  stack = new Stack({ basePort: 23300, backing: { adminUrl, rabbitUrl }, env: otelEnv(collector.url) });
  await stack.up();
});

afterAll(async () => {
  await stack?.down();
  await collector?.close();
});

describe('one order across four processes', () => {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  let spans: CollectedSpan[] = [];
  let orderId: string;

  const find = (service: string, predicate: (s: CollectedSpan) => boolean) =>
    spans.find((s) => s.service === service && predicate(s));
  const byId = (id: string | undefined) => spans.find((s) => s.spanId === id);
  const ancestors = (span: CollectedSpan): CollectedSpan[] => {
    const chain: CollectedSpan[] = [];
    for (let p = byId(span.parentSpanId); p; p = byId(p.parentSpanId)) chain.push(p);
    return chain;
  };

  beforeAll(async () => {
    const res = await fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${clientSpanId}-01`,
        'x-card-number': CARD,
        authorization: 'Bearer very-secret-token',
      },
      body: JSON.stringify(ORDER),
    });
    expect(res.status).toBe(201);
    orderId = ((await res.json()) as { id: string }).id;
    spans = (await eventually<CollectedSpan[] | undefined>(
      async () => {
        const mine = collector.spans().filter((s) => s.traceId === traceId);
        return mine.some((s) => s.name === 'notification.deliver') ? mine : undefined;
      },
      20_000,
      'the notification span in the order trace',
    )) as CollectedSpan[];
    await new Promise((r) => setTimeout(r, 500)); // late spans of the same trace
    spans = collector.spans().filter((s) => s.traceId === traceId);
  });

  it('is a single trace that spans all four services', () => {
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICES));
  });

  it('nests gateway ⊃ order ⊃ payment over HTTP', () => {
    const gateway = find('gateway', (s) => s.kind === 'server');
    const order = find('order', (s) => s.kind === 'server');
    const payment = find('payment', (s) => s.kind === 'server');
    expect(gateway?.parentSpanId).toBe(clientSpanId);
    expect(gateway?.name).toBe('POST /api/orders');
    expect(ancestors(order!)).toContain(gateway);
    expect(byId(order!.parentSpanId)).toMatchObject({ service: 'gateway', kind: 'client' });
    expect(ancestors(payment!)).toContain(order);
    expect(byId(payment!.parentSpanId)).toMatchObject({ service: 'order', kind: 'client' });
    expect(payment!.name).toBe('POST /payments');
  });

  it('records the payment authorization as a business span', () => {
    const authorize = find('payment', (s) => s.name === 'payment.authorize');
    expect(authorize?.attributes).toMatchObject({ 'order.id': orderId, 'payment.outcome': 'approved' });
    expect(ancestors(authorize!)).toContain(find('payment', (s) => s.kind === 'server'));
  });

  it('carries the trace through the outbox and RabbitMQ to the notification consumer', () => {
    const send = find('order', (s) => s.name === 'send notifications');
    expect(send).toMatchObject({ kind: 'producer' });
    expect(send!.attributes).toMatchObject({
      'messaging.system.name': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'notifications',
      'messaging.rabbitmq.destination.routing_key': 'notifications',
      'order.event_type': 'order.paid',
      'order.id': orderId,
    });
    expect(ancestors(send!)).toContain(find('order', (s) => s.kind === 'server'));

    // The amqplib instrumentation's spans follow an older version of the conventions, as lab 3 says:
    // its own producer span under ours, and `{queue} process` with `messaging.system`.
    const publish = find('order', (s) => s.kind === 'producer' && s.parentSpanId === send!.spanId);
    expect(publish?.name).toBe('publish <default>');
    const consume = find('notification', (s) => s.kind === 'consumer');
    expect(consume).toMatchObject({ name: 'notifications process', parentSpanId: publish!.spanId });
    expect(consume!.attributes['messaging.system']).toBe('rabbitmq');

    const deliver = find('notification', (s) => s.name === 'notification.deliver');
    expect(ancestors(deliver!)).toContain(consume);
    expect(deliver!.attributes).toMatchObject({ 'order.id': orderId, 'order.event_type': 'order.paid' });
  });

  it('puts the trace id on the log lines of every service', () => {
    for (const service of SERVICES) {
      const lines = stack
        .logOf(service)
        .split('\n')
        .filter((l) => l.includes(traceId));
      expect(lines.length, `${service} logs with the trace id`).toBeGreaterThan(0);
      for (const line of lines)
        expect(JSON.parse(line)).toMatchObject({ trace_id: traceId, service, level: expect.any(String) });
    }
    const paid = stack
      .logOf('order')
      .split('\n')
      .find((l) => l.includes('"msg":"order paid"') && l.includes(orderId));
    expect(JSON.parse(paid!)).toMatchObject({
      trace_id: traceId,
      order_id: orderId,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const relay = stack
      .logOf('order')
      .split('\n')
      .find((l) => l.includes('published order.paid') && l.includes(orderId));
    expect(JSON.parse(relay!).trace_id).toBe(traceId);
    const consumer = stack
      .logOf('notification')
      .split('\n')
      .find((l) => l.includes('notified customer') && l.includes(orderId));
    expect(JSON.parse(consumer!).trace_id).toBe(traceId);
  });

  it('links the request histogram to the trace with an OpenMetrics exemplar', async () => {
    const res = await fetch(`${stack.urls.gateway}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(res.headers.get('content-type')).toContain('application/openmetrics-text');
    const text = await res.text();
    const bucket = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_server_request_duration_seconds_bucket') &&
          l.includes('route="/api/orders"') &&
          l.includes(`trace_id="${traceId}"`),
      );
    expect(bucket).toMatch(/status_code="201"/);
    const plain = await (await fetch(`${stack.urls.gateway}/metrics`)).text();
    expect(plain).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(plain).not.toContain('trace_id');
  });

  it('exposes business, consumer, outbox and pool metrics', async () => {
    const metrics = async (svc: (typeof SERVICES)[number]) => (await fetch(`${stack.urls[svc]}/metrics`)).text();
    expect(await metrics('order')).toMatch(/orders_created_total\{status="paid"\} [1-9]/);
    expect(await metrics('order')).toMatch(/outbox_events_published_total\{event="order.paid"\} [1-9]/);
    expect(await metrics('order')).toMatch(/outbox_backlog_events \d/);
    expect(await metrics('order')).toMatch(/db_pool_connections\{service="order",state="total"\} [1-9]/);
    expect(await metrics('order')).toMatch(
      /http_client_request_duration_seconds_count\{server="payment",method="POST",status_code="201"\} [1-9]/,
    );
    expect(await metrics('payment')).toMatch(/payments_total\{outcome="approved"\} [1-9]/);
    expect(await metrics('notification')).toMatch(
      /messages_consumed_total\{queue="notifications",event="order.paid",outcome="processed"\} [1-9]/,
    );
    expect(await metrics('notification')).toMatch(
      /notifications_sent_total\{type="order.paid",channel="email"\} [1-9]/,
    );
    expect(await metrics('gateway')).toMatch(/nodejs_eventloop_lag_seconds \d/);
  });

  it('lets no card number or secret into spans, logs or metrics', async () => {
    const everything = [
      JSON.stringify(collector.spans()),
      ...SERVICES.map((s) => stack.logOf(s)),
      ...(await Promise.all(SERVICES.map(async (s) => (await fetch(`${stack.urls[s]}/metrics`)).text()))),
    ].join('\n');
    expect(everything).not.toContain(CARD);
    expect(everything).not.toContain('very-secret-token');
  });

  it('traces neither health checks nor scrapes', async () => {
    await fetch(`${stack.urls.order}/health/ready`);
    await fetch(`${stack.urls.order}/metrics`);
    await new Promise((r) => setTimeout(r, 600));
    const infra = collector
      .spans()
      .filter((s) => /health|metrics/.test(String(s.attributes['http.route'] ?? s.attributes['url.path'] ?? s.name)));
    expect(infra).toEqual([]);
  });
});

describe('a dead OTLP endpoint', () => {
  let blackhole: Server;
  let dead: Stack;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: the worst kind of dead collector.
    blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    const port = (blackhole.address() as { port: number }).port;
    dead = new Stack({ basePort: 23400, env: otelEnv(`http://127.0.0.1:${port}`) });
    await dead.up();
  });

  afterAll(async () => {
    await dead?.down();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => blackhole.close(r));
  });

  it('neither fails nor holds up requests', async () => {
    for (let i = 0; i < 15; i++) {
      const started = Date.now();
      const res = await fetch(`${dead.urls.gateway}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ORDER),
      });
      expect(res.status).toBe(201);
      // An export that blocked the request would take the exporter's 10 s timeout.
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});
