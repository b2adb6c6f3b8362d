import { DECLINED_TEST_CARD } from '@app/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as NotificationModule } from '../../notification/src/app.module.js';
import { startEventConsumer } from '../../notification/src/event-consumer.js';
import { AppModule as OrderModule } from '../../order/src/app.module.js';
import { AppModule as PaymentModule } from '../../payment/src/app.module.js';
import {
  type BootedApp,
  ORDER,
  boot,
  customerWithOrders,
  env,
  freePort,
  testDatabase,
} from '../../../test/support/boot.js';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { AppModule } from '../src/app.module.js';

/** The gateway in front of the three real services, all in this process, on the Docker-less adapters. */
describe('gateway (e2e)', () => {
  const apps: BootedApp[] = [];
  let order: BootedApp;
  let gatewayUrl: string;
  const notificationCalls = { total: 0 };
  let http: ReturnType<typeof request>;
  const orderCount = async () =>
    Number((await order.app.get(DataSource).query('SELECT COUNT(*) AS n FROM orders'))[0].n);

  beforeAll(async () => {
    const eventsPort = await freePort();
    const payment = await boot(
      PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 5 })),
    );
    const notification = await boot(
      NotificationModule.forRoot(
        env({ DATABASE_URL: await testDatabase('notification'), EVENTS_TCP_PORT: eventsPort }),
      ),
      { beforeListen: startEventConsumer },
    );
    order = await boot(
      OrderModule.forRoot(
        env({
          DATABASE_URL: await testDatabase('order'),
          PAYMENT_SERVICE_URL: payment.url,
          EVENTS_TCP_PORT: eventsPort,
          OUTBOX_POLL_INTERVAL_MS: 200,
        }),
      ),
    );
    notification.app.getHttpServer().on('request', (req: { url?: string }) => {
      if (req.url?.startsWith('/notifications')) notificationCalls.total++;
    });
    const gateway = await boot(
      AppModule.forRoot(
        env({
          ORDER_SERVICE_URL: order.url,
          NOTIFICATION_SERVICE_URL: notification.url,
          ADMIN_TOKEN: 'test-admin-token-123',
        }),
      ),
    );
    gatewayUrl = gateway.url;
    apps.push(gateway, order, notification, payment);
    http = request(gateway.url);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('places a paid order, serves it back, and shows its notification', async () => {
    const created = await http.post('/api/orders').send(ORDER).expect(201);
    expect(created.body).toMatchObject({ status: 'paid', total: 25 });
    expect(created.body.createdAt).toEqual(expect.any(String));
    expect((await http.get(`/api/orders/${created.body.id}`).expect(200)).body).toEqual(created.body);
    await expect
      .poll(async () => (await http.get(`/api/notifications?orderId=${created.body.id}`)).body.data, { timeout: 5_000 })
      .toMatchObject([{ orderId: created.body.id, type: 'order.paid' }]);
  });

  it('shows a declined card as payment_failed with an order.payment_failed notification', async () => {
    const created = await http
      .post('/api/orders')
      .send({ ...ORDER, payment: { cardNumber: DECLINED_TEST_CARD } })
      .expect(201);
    expect(created.body.status).toBe('payment_failed');
    await expect
      .poll(async () => (await http.get(`/api/notifications?orderId=${created.body.id}`)).body.data[0]?.type, {
        timeout: 5_000,
      })
      .toBe('order.payment_failed');
  });

  it('forwards the Idempotency-Key and says when an answer is a replay', async () => {
    const key = `gw-${crypto.randomUUID()}`;
    const first = await http.post('/api/orders').set('Idempotency-Key', key).send(ORDER).expect(201);
    const again = await http.post('/api/orders').set('Idempotency-Key', key).send(ORDER).expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('lists orders by customer with pagination', async () => {
    const customerId = `c-gw-${Date.now()}`;
    await http
      .post('/api/orders')
      .send({ ...ORDER, customerId })
      .expect(201);
    await http
      .post('/api/orders')
      .send({ ...ORDER, customerId })
      .expect(201);
    const page = await http.get(`/api/orders?customerId=${customerId}&limit=1`).expect(200);
    expect(page.body.data).toHaveLength(1);
    const next = await http
      .get(`/api/orders?customerId=${customerId}&limit=1&cursor=${page.body.nextCursor}`)
      .expect(200);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.data[0].id).not.toBe(page.body.data[0].id);
  });

  it.each([
    [
      'malformed JSON',
      (r: request.Test) => r.set('content-type', 'application/json').send('{"customerId":'),
      400,
      'body',
    ],
    ['a non-JSON body', (r: request.Test) => r.set('content-type', 'text/plain').send('hi'), 415, undefined],
    ['an oversized body', (r: request.Test) => r.send({ ...ORDER, pad: 'x'.repeat(70_000) }), 413, 'body'],
    ['an empty item list', (r: request.Test) => r.send({ ...ORDER, items: [] }), 400, 'items'],
    ['a wrong type', (r: request.Test) => r.send({ ...ORDER, customerId: 42 }), 400, 'customerId'],
    [
      'a huge quantity',
      (r: request.Test) => r.send({ ...ORDER, items: [{ sku: 'A', quantity: 1e9, unitPrice: 1 }] }),
      400,
      'items.0.quantity',
    ],
    ['an unknown field', (r: request.Test) => r.send({ ...ORDER, discount: 100 }), 400, 'discount'],
    [
      'a bad card number',
      (r: request.Test) => r.send({ ...ORDER, payment: { cardNumber: '1234' } }),
      400,
      'payment.cardNumber',
    ],
    ['a missing payment', (r: request.Test) => r.send({ customerId: 'c-1', items: ORDER.items }), 400, 'payment'],
    [
      'a __proto__ field',
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(`{"__proto__":{"polluted":true},${JSON.stringify(ORDER).slice(1)}`),
      400,
      '__proto__',
    ],
    [
      'a constructor.prototype field',
      (r: request.Test) => r.send({ ...ORDER, constructor: { prototype: { polluted: true } } }),
      400,
      'constructor.prototype',
    ],
  ])('rejects %s before it reaches the order service', async (_label, send, status, field) => {
    const before = await orderCount();
    const res = await send(http.post('/api/orders')).expect(status);
    expect(res.headers['content-type']).toContain('application/json');
    if (field === 'body' || field?.includes('proto')) expect(res.body.field).toBe(field);
    else if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await orderCount()).toBe(before);
  });

  it('answers 404 for an unknown order and 400 for a malformed id or query', async () => {
    expect((await http.get(`/api/orders/${crypto.randomUUID()}`).expect(404)).body.message).toContain('not found');
    await http.get('/api/orders/abc').expect(400);
    await http.get('/api/orders?limit=500').expect(400);
    await http.get('/api/notifications?orderId=abc').expect(400);
  });

  // That the calls overlap (or not) is asserted by the controller's unit test and the findability suite's traces:
  // in one process, a loopback server finishes each call before it reads the next.
  it('lists orders with their notifications, with one call per order, also under sequential-calls', async () => {
    const customerId = await customerWithOrders(http, '/api/orders', 3);
    const withNotifications = async () => {
      notificationCalls.total = 0;
      const res = await http.get(`/api/orders?customerId=${customerId}&include=notifications`).expect(200);
      return res.body.data as { notifications: unknown[] }[];
    };
    await expect.poll(async () => (await withNotifications()).every((o) => o.notifications.length === 1)).toBe(true);
    expect(notificationCalls.total).toBe(3);

    const admin = request(gatewayUrl).put('/admin/faults').set('Authorization', 'Bearer test-admin-token-123');
    await admin.send({ faults: [{ name: 'sequential-calls' }] }).expect(200);
    try {
      expect((await withNotifications()).map((o) => o.notifications.length)).toEqual([1, 1, 1]);
      expect(notificationCalls.total).toBe(3);
    } finally {
      await request(gatewayUrl)
        .put('/admin/faults')
        .set('Authorization', 'Bearer test-admin-token-123')
        .send({ faults: [] })
        .expect(200);
    }
    await http.get(`/api/orders?customerId=${customerId}&include=items`).expect(400);
  });
});

describe('gateway when a downstream service fails (e2e)', () => {
  it('answers 503 within its deadline when the order service is down', async () => {
    const gateway = await boot(
      AppModule.forRoot(
        env({
          ORDER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
          NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
        }),
      ),
    );
    try {
      const res = await request(gateway.url).post('/api/orders').send(ORDER).expect(503);
      expect(res.body.message).toBe('order service is unavailable');
      expect((await request(gateway.url).get('/api/notifications').expect(503)).body.message).toBe(
        'notification service is unavailable',
      );
      await request(gateway.url).get('/health/ready').expect(200);
    } finally {
      await gateway.close();
    }
  });

  it('answers 504 when the order service is slower than the gateway deadline', async () => {
    const payment = await boot(
      PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 1_000 })),
    );
    const order = await boot(
      OrderModule.forRoot(
        env({
          DATABASE_URL: await testDatabase('order'),
          PAYMENT_SERVICE_URL: payment.url,
          EVENTS_TCP_PORT: await freePort(),
        }),
      ),
    );
    const gateway = await boot(
      AppModule.forRoot(
        env({ ORDER_SERVICE_URL: order.url, NOTIFICATION_SERVICE_URL: order.url, ORDER_TIMEOUT_MS: 300 }),
      ),
    );
    try {
      const res = await request(gateway.url).post('/api/orders').send(ORDER).expect(504);
      expect(res.body.message).toBe('order service did not answer within 300 ms');
    } finally {
      await gateway.close();
      await order.close();
      await payment.close();
    }
  });

  it('answers 503 with Retry-After at the order service and the gateway while the order database is down, and recovers', async () => {
    const database = new URL(await testDatabase('order'));
    const proxy = await new TcpProxy({ host: database.hostname, port: Number(database.port) }).start();
    database.port = String(proxy.port);
    const payment = await boot(
      PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0 })),
    );
    const order = await boot(
      OrderModule.forRoot(
        env({ DATABASE_URL: database.toString(), PAYMENT_SERVICE_URL: payment.url, EVENTS_TCP_PORT: await freePort() }),
      ),
    );
    const gateway = await boot(
      AppModule.forRoot(env({ ORDER_SERVICE_URL: order.url, NOTIFICATION_SERVICE_URL: order.url })),
    );
    try {
      await request(gateway.url).post('/api/orders').send(ORDER).expect(201);
      await proxy.cut();
      const atOrder = await request(order.url).post('/orders').send(ORDER).expect(503);
      expect(atOrder.headers['retry-after']).toBe('5');
      expect(atOrder.body.message).toContain('database is unavailable');
      const atGateway = await request(gateway.url).post('/api/orders').send(ORDER).expect(503);
      expect(atGateway.headers['retry-after']).toBe('5');
      expect(
        (await request(gateway.url).get(`/api/orders/${crypto.randomUUID()}`).expect(503)).headers['retry-after'],
      ).toBe('5');
      await request(order.url).get('/health/ready').expect(503);
      await proxy.restore();
      await expect
        .poll(async () => (await request(gateway.url).post('/api/orders').send(ORDER)).status, { timeout: 10_000 })
        .toBe(201);
    } finally {
      await proxy.cut();
      await gateway.close();
      await order.close();
      await payment.close();
    }
  });
});
