import { DECLINED_TEST_CARD, NOTIFICATIONS_DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/contracts';
import amqplib from 'amqplib';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
import { queueDepth, resetNotificationQueues } from './support/rabbitmq.js';
import { Stack, backingServices, broker, eventually } from './support/stack.js';

/**
 * The four services as real processes on real PostgreSQL and RabbitMQ,
 * driven over HTTP through the gateway, as a user would.
 */
let stack: Stack;
let gateway: string;

async function placeOrder(body: unknown = ORDER, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function notificationsFor(orderId: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${gateway}/api/notifications?orderId=${orderId}`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

beforeAll(async () => {
  if (!existsSync('dist/apps/gateway/src/main.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const { adminUrl, rabbitUrl } = backingServices();
  stack = new Stack({ basePort: 23100, backing: { adminUrl, rabbitUrl } });
  await stack.createDatabases();
  await resetNotificationQueues(stack.rabbitUrl!);
  await stack.startAll();
  gateway = stack.urls.gateway;
});

afterAll(async () => {
  await stack?.down();
});

describe('the order flow on PostgreSQL and RabbitMQ', () => {
  it('places an order, pays it, and records its notification through RabbitMQ', async () => {
    const { status, body } = await placeOrder();
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'paid', total: 25, customerId: 'c-42' });
    const notes = await eventually(async () => {
      const n = await notificationsFor(body.id as string);
      return n.length > 0 && n;
    });
    expect(notes).toMatchObject([{ type: 'order.paid', orderId: body.id }]);
    const [order] = await stack.query('order', 'SELECT status, total_cents FROM orders WHERE id = $1', [body.id]);
    expect(order).toEqual({ status: 'paid', total_cents: '2500' });
  });

  it('shows a declined card as payment_failed and notifies the customer', async () => {
    const { status, body } = await placeOrder({ ...ORDER, payment: { cardNumber: DECLINED_TEST_CARD } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'payment_failed', failureReason: 'card_declined' });
    const notes = await eventually(async () => (await notificationsFor(body.id as string))[0]);
    expect(notes).toMatchObject({ type: 'order.payment_failed' });
  });

  it('turns concurrent retries with one Idempotency-Key into one order and one charge', async () => {
    const key = `int-${crypto.randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => placeOrder(ORDER, { 'Idempotency-Key': key })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids];
    expect(await stack.query('order', 'SELECT id FROM orders WHERE idempotency_key = $1', [key])).toHaveLength(1);
    expect(await stack.query('payment', 'SELECT id FROM payments WHERE order_id = $1', [orderId])).toHaveLength(1);
    await eventually(async () => (await notificationsFor(orderId as string)).length === 1);
    await sleep(500);
    expect(await notificationsFor(orderId as string)).toHaveLength(1);
  });

  it('rejects malformed input with a 4xx that names the problem and stores nothing', async () => {
    const [{ n: before }] = await stack.query<{ n: string }>('order', 'SELECT COUNT(*) AS n FROM orders');
    const cases: [unknown, number][] = [
      ['{"customerId": ', 400],
      [{ ...ORDER, items: [] }, 400],
      [{ ...ORDER, items: [{ sku: 'A', quantity: -2, unitPrice: 1 }] }, 400],
      [{ ...ORDER, payment: { cardNumber: '4242424242424241' } }, 400],
      [{ ...ORDER, extra: true }, 400],
      [{ ...ORDER, pad: 'x'.repeat(100_000) }, 413],
    ];
    for (const [body, status] of cases) {
      const res = await placeOrder(body);
      expect(res.status).toBe(status);
      expect(typeof res.body.message).toBe('string');
    }
    const plain = await fetch(`${gateway}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(plain.status).toBe(415);
    expect((await fetch(`${gateway}/api/orders/${crypto.randomUUID()}`)).status).toBe(404);
    const [{ n: after }] = await stack.query<{ n: string }>('order', 'SELECT COUNT(*) AS n FROM orders');
    expect(after).toBe(before);
  });

  it('stores and logs no full card number anywhere', async () => {
    await placeOrder();
    for (const [svc, tables] of [
      ['order', ['orders', 'order_items', 'outbox_events']],
      ['payment', ['payments']],
      ['notification', ['notifications']],
    ] as const) {
      for (const table of tables) {
        const rows = await stack.query(svc, `SELECT * FROM ${table}`);
        expect(JSON.stringify(rows)).not.toContain(ORDER.payment.cardNumber);
      }
    }
    for (const svc of ['gateway', 'order', 'payment', 'notification'] as const) {
      expect(stack.logOf(svc).length).toBeGreaterThan(0);
      expect(stack.logOf(svc)).not.toContain(ORDER.payment.cardNumber);
    }
  });

  it('reports database and broker in readiness', async () => {
    for (const svc of ['order', 'notification'] as const) {
      const ready = (await (await fetch(`${stack.urls[svc]}/health/ready`)).json()) as {
        details: Record<string, { status: string }>;
      };
      expect(ready.details.database.status).toBe('up');
      expect(ready.details.broker.status).toBe('up');
    }
  });
});

describe('a RabbitMQ outage', () => {
  it('delays notifications but loses none, and records each exactly once', async () => {
    const before = await placeOrder();
    await eventually(async () => (await notificationsFor(before.body.id as string)).length === 1);

    broker('rabbitmq-stop-app');
    const during: string[] = [];
    try {
      const orderReady = await eventually(
        async () => (await fetch(`${stack.urls.order}/health/ready`)).status === 503,
        10_000,
        'order not ready',
      );
      expect(orderReady).toBe(true);
      for (let i = 0; i < 8; i++) {
        const res = await placeOrder({ ...ORDER, customerId: `c-outage-${i}` });
        expect(res.status).toBe(201); // the order and its event are committed; only delivery waits
        during.push(res.body.id as string);
      }
      await sleep(1_000);
      for (const id of during) expect(await notificationsFor(id)).toHaveLength(0);
      const [{ n }] = await stack.query<{ n: string }>(
        'order',
        'SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL',
      );
      expect(Number(n)).toBeGreaterThanOrEqual(during.length);
    } finally {
      broker('rabbitmq-start-app');
    }

    await eventually(
      async () => {
        const counts = await Promise.all(during.map(async (id) => (await notificationsFor(id)).length));
        return counts.every((c) => c >= 1);
      },
      60_000,
      'every notification after the broker came back',
    );
    await sleep(1_500);
    for (const id of during) expect(await notificationsFor(id)).toHaveLength(1);
    const [{ n }] = await stack.query<{ n: string }>(
      'order',
      'SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL',
    );
    expect(Number(n)).toBe(0);
    const after = await placeOrder();
    await eventually(
      async () => (await notificationsFor(after.body.id as string)).length === 1,
      15_000,
      'a notification after recovery',
    );
  });
});

describe('the notification consumer', () => {
  it('retries a failing write a bounded number of times, then dead-letters the event', async () => {
    const rabbitUrl = stack.rabbitUrl!;
    await stack.query('notification', 'ALTER TABLE notifications RENAME TO notifications_offline');
    let orderId: string;
    try {
      const res = await placeOrder();
      orderId = res.body.id as string;
      await eventually(
        async () => (await queueDepth(rabbitUrl, NOTIFICATIONS_DEAD_LETTER_QUEUE)) === 1,
        30_000,
        'the dead-lettered event',
      );
      expect(stack.logOf('notification')).toMatch(/attempt 5\/5, dead-lettering/);
    } finally {
      await stack.query('notification', 'ALTER TABLE notifications_offline RENAME TO notifications');
    }
    expect(await notificationsFor(orderId)).toHaveLength(0);
    const next = await placeOrder();
    await eventually(
      async () => (await notificationsFor(next.body.id as string)).length === 1,
      15_000,
      'consumption to go on',
    );
  });

  it('dead-letters a malformed message at once', async () => {
    const rabbitUrl = stack.rabbitUrl!;
    const depth = await queueDepth(rabbitUrl, NOTIFICATIONS_DEAD_LETTER_QUEUE);
    const connection = await amqplib.connect(rabbitUrl);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(
      NOTIFICATIONS_QUEUE,
      Buffer.from(JSON.stringify({ pattern: 'order.paid', data: { eventId: 'nope' } })),
      { persistent: true },
    );
    await channel.waitForConfirms();
    await connection.close();
    await eventually(
      async () => (await queueDepth(rabbitUrl, NOTIFICATIONS_DEAD_LETTER_QUEUE)) === depth + 1,
      15_000,
      'the malformed message in the dead-letter queue',
    );
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight order finish on SIGTERM, then exits cleanly', async () => {
    await stack.stop('payment');
    await stack.start('payment', { PAYMENT_PROVIDER_LATENCY_MS: '1500' });
    try {
      const inFlight = placeOrder();
      await sleep(400);
      const exit = stack.stop('order');
      const res = await inFlight;
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('paid');
      expect(await exit).toBe(0);
      const refused = await placeOrder();
      expect(refused.status).toBe(503);
    } finally {
      await stack.stop('payment');
      await stack.start('payment');
      await stack.start('order');
    }
    const again = await placeOrder();
    expect(again.status).toBe(201);
  });
});
