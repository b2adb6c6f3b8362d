import { DECLINED_TEST_CARD } from '@app/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as PaymentModule } from '../../payment/src/app.module.js';
import { type BootedApp, ORDER, boot, env, freePort, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

/** The order service against a real payment service; events stay in the outbox (no consumer runs). */
async function bootOrder(paymentUrl: string, extra: Record<string, string | number> = {}) {
  return boot(
    AppModule.forRoot(
      env({
        DATABASE_URL: await testDatabase('order'),
        PAYMENT_SERVICE_URL: paymentUrl,
        EVENTS_TCP_PORT: await freePort(),
        OUTBOX_POLL_INTERVAL_MS: 60_000,
        ...extra,
      }),
    ),
  );
}

async function bootPayment(latencyMs: number, port?: number) {
  return boot(
    PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: latencyMs })),
    { port },
  );
}

const outbox = (svc: BootedApp, orderId: string) =>
  svc.app.get(DataSource).query('SELECT type, payload FROM outbox_events WHERE aggregate_id = $1', [orderId]);

describe('order service (e2e)', () => {
  let payment: BootedApp;
  let order: BootedApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    payment = await bootPayment(5);
    order = await bootOrder(payment.url);
    http = request(order.url);
  });
  afterAll(async () => {
    await order.close();
    await payment.close();
  });

  it('creates a paid order and writes its order.paid event to the outbox', async () => {
    const res = await http.post('/orders').send(ORDER).expect(201);
    expect(res.body).toMatchObject({
      customerId: 'c-42',
      status: 'paid',
      total: 25,
      currency: 'USD',
      cardLast4: '4242',
    });
    expect(res.body.paymentId).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain(ORDER.payment.cardNumber);

    const events = await outbox(order, res.body.id);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['order.paid']);
    expect(JSON.parse(events[0].payload)).toMatchObject({
      orderId: res.body.id,
      totalCents: 2500,
      paymentId: res.body.paymentId,
    });
    expect(events[0].payload).not.toContain(ORDER.payment.cardNumber);
  });

  it('marks the order payment_failed when the card is declined', async () => {
    const res = await http
      .post('/orders')
      .send({ ...ORDER, payment: { cardNumber: DECLINED_TEST_CARD } })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'payment_failed', failureReason: 'card_declined' });
    expect((await outbox(order, res.body.id)).map((e: { type: string }) => e.type)).toEqual(['order.payment_failed']);
  });

  it('reports orders by status, order totals, the payment’s outcome and the unpublished events on /metrics', async () => {
    const sample = async (app: BootedApp, series: string) => {
      const text = (await request(app.url).get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };
    const failed = 'orders_created_total{status="payment_failed"}';
    const [before, amounts, declines] = [
      await sample(order, failed),
      await sample(order, 'order_amount_count{currency="USD"}'),
      await sample(payment, 'payments_total{outcome="declined"}'),
    ];
    await http
      .post('/orders')
      .send({ ...ORDER, payment: { cardNumber: DECLINED_TEST_CARD } })
      .expect(201);
    expect(await sample(order, failed)).toBe(before + 1);
    expect(await sample(order, 'order_amount_count{currency="USD"}')).toBe(amounts + 1);
    expect(await sample(payment, 'payments_total{outcome="declined"}')).toBe(declines + 1);
    // No consumer listens: the event stays in the outbox, and the gauges read it at scrape time.
    expect(await sample(order, 'outbox_backlog_events')).toBeGreaterThanOrEqual(1);
    expect(await sample(order, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThan(0);
  });

  it('stores no card number anywhere in its database', async () => {
    await http.post('/orders').send(ORDER).expect(201);
    const ds = order.app.get(DataSource);
    for (const table of ['orders', 'order_items', 'outbox_events']) {
      expect(JSON.stringify(await ds.query(`SELECT * FROM ${table}`))).not.toContain(ORDER.payment.cardNumber);
    }
  });

  it('returns the first result for a retried Idempotency-Key', async () => {
    const key = `retry-${crypto.randomUUID()}`;
    const first = await http.post('/orders').set('Idempotency-Key', key).send(ORDER).expect(201);
    const again = await http.post('/orders').set('Idempotency-Key', key).send(ORDER).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('creates one order and one charge when the same key is sent concurrently', async () => {
    const key = `burst-${crypto.randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => http.post('/orders').set('Idempotency-Key', key).send(ORDER)),
    );
    for (const a of answers) expect(a.status).toBe(201);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const [{ n }] = await order.app
      .get(DataSource)
      .query('SELECT COUNT(*) AS n FROM orders WHERE idempotency_key = $1', [key]);
    expect(Number(n)).toBe(1);
    const charges = await payment.app
      .get(DataSource)
      .query('SELECT id FROM payments WHERE order_id = $1', [answers[0].body.id]);
    expect(charges).toHaveLength(1);
    expect(await outbox(order, answers[0].body.id)).toHaveLength(1);
  });

  it('answers 422 when a key is reused for a different request', async () => {
    const key = `reuse-${crypto.randomUUID()}`;
    await http.post('/orders').set('Idempotency-Key', key).send(ORDER).expect(201);
    const res = await http
      .post('/orders')
      .set('Idempotency-Key', key)
      .send({ ...ORDER, items: [{ sku: 'SKU-2', quantity: 1, unitPrice: 1 }] })
      .expect(422);
    expect(res.body.field).toBe('Idempotency-Key');
  });

  it('pages through a customer’s orders newest first with an opaque cursor', async () => {
    const customerId = `c-page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await http
            .post('/orders')
            .send({ ...ORDER, customerId })
            .expect(201)
        ).body.id,
      );
    const first = await http.get(`/orders?customerId=${customerId}&limit=2`).expect(200);
    expect(first.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.data[0].items).toEqual(ORDER.items);
    const second = await http
      .get(`/orders?customerId=${customerId}&limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.data.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 404 for an unknown order and 400 for malformed ids, cursors and limits', async () => {
    await http.get(`/orders/${crypto.randomUUID()}`).expect(404);
    await http.get('/orders/123').expect(400);
    expect((await http.get('/orders?cursor=garbage').expect(400)).body.field).toBe('cursor');
    await http.get('/orders?limit=0').expect(400);
    await http.get('/orders?limit=abc').expect(400);
    await http.get('/orders?sort=desc').expect(400);
    await http.post('/orders').set('Idempotency-Key', 'bad key').send(ORDER).expect(400);
  });

  it('answers 400 naming the field when a body carries a prototype key', async () => {
    const body = `{"__proto__":{"polluted":true},${JSON.stringify(ORDER).slice(1)}`;
    const res = await http.post('/orders').set('content-type', 'application/json').send(body).expect(400);
    expect(res.body.field).toBe('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports itself ready with its database (no broker configured)', async () => {
    const ready = await request(order.url).get('/health/ready').expect(200);
    expect(ready.body.details.database.status).toBe('up');
  });
});

describe('order service when payment fails (e2e)', () => {
  it('answers 503 and keeps the order pending while payment is down, then settles it when payment is back', async () => {
    const port = await freePort();
    const order = await bootOrder(`http://127.0.0.1:${port}`, { PAYMENT_TIMEOUT_MS: 300, RECONCILE_INTERVAL_MS: 200 });
    try {
      const res = await request(order.url).post('/orders').send(ORDER).expect(503);
      expect(res.body).toMatchObject({ orderStatus: 'pending' });
      expect(res.body.message).toContain('payment service is unavailable');
      const orderId = res.body.orderId as string;
      expect((await request(order.url).get(`/orders/${orderId}`).expect(200)).body.status).toBe('pending');

      const payment = await bootPayment(5, port);
      try {
        await expect
          .poll(async () => (await request(order.url).get(`/orders/${orderId}`)).body, {
            timeout: 10_000,
            interval: 200,
          })
          .toMatchObject({ status: 'payment_failed', failureReason: 'payment_not_received' });
        expect((await outbox(order, orderId)).map((e: { type: string }) => e.type)).toEqual(['order.payment_failed']);
      } finally {
        await payment.close();
      }
    } finally {
      await order.close();
    }
  });

  it('answers 504 when payment is too slow, then settles the order as paid once the charge completes', async () => {
    const payment = await bootPayment(1_500);
    const order = await bootOrder(payment.url, { PAYMENT_TIMEOUT_MS: 300, RECONCILE_INTERVAL_MS: 200 });
    try {
      const started = Date.now();
      const res = await request(order.url).post('/orders').send(ORDER).expect(504);
      expect(Date.now() - started).toBeLessThan(1_400);
      expect(res.body.message).toContain('did not answer within 300 ms');
      await expect
        .poll(async () => (await request(order.url).get(`/orders/${res.body.orderId}`)).body.status, {
          timeout: 10_000,
          interval: 200,
        })
        .toBe('paid');
    } finally {
      await order.close();
      await payment.close();
    }
  });
});
