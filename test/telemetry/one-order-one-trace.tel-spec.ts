import { ORDER } from '../support/boot.js';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import fs from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppModule as GatewayModule } from '../../apps/gateway/src/app.module.js';
import { AppModule as NotificationModule } from '../../apps/notification/src/app.module.js';
import { startEventConsumer } from '../../apps/notification/src/event-consumer.js';
import { AppModule as OrderModule } from '../../apps/order/src/app.module.js';
import { AppModule as PaymentModule } from '../../apps/payment/src/app.module.js';
import { type BootedApp, boot, env, freePort, testDatabase } from '../support/boot.js';

/**
 * In one process, with an in-memory span exporter: one POST /api/orders
 * through gateway, order, payment and notification (broker-less transport)
 * must be one trace with the seed's shape, its logs must carry the trace id,
 * and /metrics must hold an exemplar pointing at it.
 */
const exporter = (globalThis as { spanExporter?: InMemorySpanExporter }).spanExporter!;
const logLines: string[] = [];
const apps: BootedApp[] = [];
let gateway: BootedApp;
let spans: ReadableSpan[] = [];
let traceId = '';
let orderId = '';

const parentOf = (span: ReadableSpan) => spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
const ancestors = (span: ReadableSpan) => {
  const chain: ReadableSpan[] = [];
  for (let p = parentOf(span); p; p = parentOf(p)) chain.push(p);
  return chain;
};
const named = (name: string) => spans.find((s) => s.name === name);

beforeAll(async () => {
  // pino (through sonic-boom) writes to fd 1 with fs.write / fs.writeSync: keep a copy of every line.
  const tap = (data: unknown) => {
    if (typeof data === 'string' || Buffer.isBuffer(data)) logLines.push(...String(data).split('\n').filter(Boolean));
  };
  for (const method of ['write', 'writeSync'] as const) {
    const original = fs[method].bind(fs) as (...a: unknown[]) => unknown;
    vi.spyOn(fs, method).mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd === 1) tap(data);
      return original(fd, data, ...rest);
    }) as never);
  }

  const eventsPort = await freePort();
  const payment = await boot(
    PaymentModule.forRoot(
      env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 5, LOG_LEVEL: 'info' }),
    ),
  );
  const notification = await boot(
    NotificationModule.forRoot(
      env({ DATABASE_URL: await testDatabase('notification'), EVENTS_TCP_PORT: eventsPort, LOG_LEVEL: 'info' }),
    ),
    { beforeListen: startEventConsumer },
  );
  const order = await boot(
    OrderModule.forRoot(
      env({
        DATABASE_URL: await testDatabase('order'),
        PAYMENT_SERVICE_URL: payment.url,
        EVENTS_TCP_PORT: eventsPort,
        LOG_LEVEL: 'info',
      }),
    ),
  );
  gateway = await boot(
    GatewayModule.forRoot(
      env({ ORDER_SERVICE_URL: order.url, NOTIFICATION_SERVICE_URL: notification.url, LOG_LEVEL: 'info' }),
    ),
  );
  apps.push(gateway, order, notification, payment);

  exporter.reset();
  const res = await request(gateway.url).post('/api/orders').send(ORDER).expect(201);
  orderId = res.body.id as string;
  for (let waited = 0; !exporter.getFinishedSpans().some((s) => s.name === 'notification.deliver'); waited += 50) {
    if (waited > 10_000) throw new Error('no notification.deliver span within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const root = exporter.getFinishedSpans().find((s) => s.name === 'POST /api/orders' && s.kind === SpanKind.SERVER);
  traceId = root!.spanContext().traceId;
  spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  if (!orderId) throw new Error('no order id');
});

afterAll(async () => {
  for (const app of apps) await app.close();
  vi.restoreAllMocks();
});

describe('one order, in process', () => {
  it('is one trace rooted at the gateway (under the test client’s own request span)', () => {
    const root = named('POST /api/orders')!;
    expect(root.kind).toBe(SpanKind.SERVER);
    // Above it there is only the test's own HTTP client call (supertest), no other server.
    const above = ancestors(root);
    expect(above.length).toBeGreaterThan(0);
    for (const span of above) expect(span.kind).toBe(SpanKind.CLIENT);
    expect(spans.length).toBeGreaterThanOrEqual(8);
  });

  it('nests gateway ⊃ order ⊃ payment, with the handlers and the authorization inside', () => {
    const gatewayServer = named('POST /api/orders')!;
    const orderServer = named('POST /orders')!;
    const paymentServer = named('POST /payments')!;
    expect(parentOf(orderServer)?.kind).toBe(SpanKind.CLIENT);
    expect(ancestors(orderServer)).toContain(gatewayServer);
    expect(ancestors(paymentServer)).toContain(orderServer);
    expect(ancestors(named('PaymentsController.charge')!)).toContain(paymentServer);
    const authorize = named('payment.authorize')!;
    expect(ancestors(authorize)).toContain(paymentServer);
    expect(authorize.attributes['payment.outcome']).toBe('approved');
  });

  it('hangs the notification off the order through the outbox send span', () => {
    const send = named('send notifications')!;
    const consume = named('process notifications')!;
    const deliver = named('notification.deliver')!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(ancestors(send)).toContain(named('POST /orders'));
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(consume)).toBe(send);
    expect(parentOf(deliver)).toBe(consume);
  });

  it('names and types the messaging spans as the messaging conventions say, with the event type as an attribute', () => {
    const message = {
      'messaging.system.name': 'nest-tcp',
      'messaging.destination.name': 'notifications',
      'order.event_type': 'order.paid',
    };
    const send = named('send notifications')!;
    expect(send.attributes).toMatchObject({
      ...message,
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'order.id': orderId,
    });
    const eventId = send.attributes['messaging.message.id'];
    expect(eventId).toEqual(expect.any(String));
    expect(named('process notifications')!.attributes).toMatchObject({
      ...message,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.message.id': eventId,
    });
    expect(named('notification.deliver')!.attributes).toMatchObject({
      'order.id': orderId,
      'order.event_type': 'order.paid',
      'messaging.message.id': eventId,
    });
  });

  it('writes the trace id on the logs of the request, the relay and the consumer', () => {
    const mine = logLines.filter((l) => l.includes(traceId)).map((l) => JSON.parse(l) as Record<string, unknown>);
    const contexts = new Set(mine.map((l) => l.context));
    for (const context of ['OrdersService', 'PaymentsService', 'OutboxRelay', 'OrderEventsConsumer'])
      expect(contexts).toContain(context);
    expect(mine.some((l) => l.msg === 'POST /api/orders 201' && l.route === '/api/orders')).toBe(true);
    for (const line of mine) expect(line.trace_id).toBe(traceId);
  });

  it('shows the request in the HTTP histogram by route template, with the trace as exemplar', async () => {
    const res = await request(gateway.url).get('/metrics').set('accept', 'application/openmetrics-text').expect(200);
    const line = res.text
      .split('\n')
      .find((l) => l.includes('route="/api/orders"') && l.includes(`trace_id="${traceId}"`));
    expect(line).toMatch(/^http_server_request_duration_seconds_bucket\{.*status_code="201".*\} \d+ # \{/);
  });

  it('counts the order in each service’s business metrics, the consumer’s time with the trace as exemplar', async () => {
    const [, order, notification, payment] = apps;
    const scrape = async (app: BootedApp) =>
      (await request(app.url).get('/metrics').set('accept', 'application/openmetrics-text').expect(200)).text;
    const orderText = await scrape(order);
    expect(orderText).toMatch(/^orders_created_total\{status="paid"\} 1$/m);
    expect(orderText).toMatch(/^order_amount_count\{currency="USD"\} 1$/m);
    expect(orderText).toMatch(/^outbox_events_published_total\{event="order.paid"\} 1$/m);
    expect(orderText).toMatch(/^outbox_backlog_events 0$/m);
    expect(await scrape(payment)).toMatch(/^payments_total\{outcome="approved"\} 1$/m);
    const notificationText = await scrape(notification);
    expect(notificationText).toMatch(/^notifications_sent_total\{type="order.paid",channel="email"\} 1$/m);
    expect(notificationText).toMatch(
      /^messages_consumed_total\{queue="\w+",event="order.paid",outcome="processed"\} 1$/m,
    );
    const exemplar = notificationText
      .split('\n')
      .find((l) => l.startsWith('message_processing_duration_seconds_bucket{') && l.includes(`trace_id="${traceId}"`));
    expect(exemplar).toMatch(/event="order.paid".*\} 1 # \{/);
  });

  it('reports the database pool of every service booted in the process', async () => {
    const text = (await request(gateway.url).get('/metrics').expect(200)).text;
    for (const service of ['order', 'payment', 'notification'])
      expect(text).toMatch(new RegExp(`^db_pool_max_connections\\{service="${service}"\\} \\d+$`, 'm'));
  });
});
