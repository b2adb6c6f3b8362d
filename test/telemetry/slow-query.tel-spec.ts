import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as OrderModule } from '../../apps/order/src/app.module.js';
import { DUPLICATE_CHECK_SQL } from '../../apps/order/src/orders/order-faults.js';
import { seededOrderId } from '../../apps/order/src/orders/past-orders.js';
import { AppModule as PaymentModule } from '../../apps/payment/src/app.module.js';
import { type BootedApp, ORDER, boot, env, orderBehind, testDatabase } from '../support/boot.js';

/**
 * slow-query on the real PostgreSQL, seen the way a participant sees it: the
 * span of the duplicate-order check carries the statement itself, and EXPLAIN
 * of that statement shows the Seq Scan; the two fixes the hunt gives turn it
 * into an index scan.
 */
const exporter = (globalThis as { spanExporter?: InMemorySpanExporter }).spanExporter!;
const TOKEN = 'test-admin-token-slow-query';
const ROWS = 20_000;
/** The fix the hunt gives first: the column compared as stored. */
const FIXED_SQL = 'SELECT count(*)::int AS previous_orders FROM orders o WHERE o.customer_id = $1';

const statementOf = (span: ReadableSpan) =>
  String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '');
const apps: BootedApp[] = [];
let order: BootedApp;
let db: DataSource;
let database = '';

/** The spans of the trace of one POST /orders (its server span, then everything under it). */
async function placeOrder(customerId: string): Promise<ReadableSpan[]> {
  exporter.reset();
  await request(order.url)
    .post('/orders')
    .send({ ...ORDER, customerId })
    .expect(201);
  const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /orders');
  expect(server, 'the order service’s POST /orders server span').toBeDefined();
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === server!.spanContext().traceId);
}

async function explain(sql: string, customerId: string): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, [customerId]);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function switchSlowQuery(on: boolean): Promise<void> {
  const faults = on ? [{ name: 'slow-query', params: { rows: ROWS } }] : [];
  await request(order.url)
    .put('/admin/faults')
    .set({ Authorization: `Bearer ${TOKEN}` })
    .send({ faults })
    .expect(200);
}

beforeAll(async () => {
  const payment = await boot(
    PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0 })),
  );
  apps.push(payment);
  order = await boot(OrderModule.forRoot(env({ ...(await orderBehind(payment.url)), ADMIN_TOKEN: TOKEN })));
  apps.unshift(order);
  db = order.app.get(DataSource);
  [{ database }] = await db.query<{ database: string }[]>('SELECT current_database() AS database');
});

afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('slow-query on the real PostgreSQL', () => {
  it('runs no lookup on a normalised customer_id while the fault is off', async () => {
    const spans = await placeOrder('c-off');
    const statements = spans.map(statementOf).filter(Boolean);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((sql) => sql.includes('regexp_replace('))).toEqual([]);
  });

  describe('with the fault on', () => {
    let check: ReadableSpan | undefined;

    beforeAll(async () => {
      await switchSlowQuery(true);
      // The seeding runs in the background after the switch; its last row appears with all the others.
      for (
        let waited = 0;
        (await request(order.url).get(`/orders/${seededOrderId(ROWS)}`)).status !== 200;
        waited += 100
      ) {
        if (waited > 60_000) throw new Error(`the ${ROWS} past orders were not seeded within 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      check = (await placeOrder('Seed-Customer-0000042')).find((s) => statementOf(s) === DUPLICATE_CHECK_SQL);
    });

    afterAll(() => switchSlowQuery(false));

    it('seeds the orders table with the past orders the check has to read', async () => {
      const [{ seeded }] = await db.query<{ seeded: number }[]>(
        "SELECT count(*)::int AS seeded FROM orders WHERE customer_id LIKE 'seed-customer-%'",
      );
      expect(seeded).toBe(ROWS);
    });

    it('shows the duplicate check as a pg.query span in the order’s trace, carrying the real SQL', () => {
      expect(check, 'a span whose statement is the duplicate check').toBeDefined();
      // Named after the database: `orders` on the Docker stack and under npm run dev.
      expect(check!.name).toBe(`pg.query:SELECT ${database}`);
      expect(check!.kind).toBe(SpanKind.CLIENT);
      expect(statementOf(check!)).toBe(DUPLICATE_CHECK_SQL);
      expect(statementOf(check!)).not.toContain('pg_sleep');
    });

    it('runs a statement whose EXPLAIN shows a Seq Scan on orders, however many rows match', async () => {
      const plan = await explain(statementOf(check!), 'Seed-Customer-0000042');
      expect(plan).toMatch(/Seq Scan on orders/);
      expect(plan).not.toMatch(/Index/);
    });

    it('finds the customer’s earlier orders however the id is written (case, dashes, underscores, spaces)', async () => {
      for (const written of ['Seed-Customer-0000043', 'seed_customer_0000043', 'SEED CUSTOMER 0000043']) {
        const [{ previous_orders }] = await db.query<{ previous_orders: number }[]>(DUPLICATE_CHECK_SQL, [written]);
        expect(previous_orders, written).toBe(10); // seeded ten per customer
      }
    });

    it('is fixed by comparing the column as stored: the (customer_id, created_at, id) index serves it', async () => {
      const plan = await explain(FIXED_SQL, 'seed-customer-0000042');
      expect(plan).toMatch(/idx_orders_customer_created/);
      expect(plan).not.toMatch(/Seq Scan/);
    });

    it('is fixed as well by an index on the same expression, the statement unchanged', async () => {
      await db.query(
        "CREATE INDEX idx_orders_customer_normalised ON orders (lower(regexp_replace(customer_id, '[-_ ]', '', 'g')))",
      );
      try {
        await db.query('ANALYZE orders');
        const plan = await explain(statementOf(check!), 'Seed-Customer-0000042');
        expect(plan).toMatch(/idx_orders_customer_normalised/);
        expect(plan).not.toMatch(/Seq Scan/);
      } finally {
        await db.query('DROP INDEX idx_orders_customer_normalised');
      }
    });
  });
});
