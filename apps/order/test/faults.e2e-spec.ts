import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as PaymentModule } from '../../payment/src/app.module.js';
import {
  type BootedApp,
  ORDER,
  boot,
  customerWithOrders,
  env,
  orderBehind,
  testDatabase,
} from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';
import { seedPastOrders, seededOrderId } from '../src/orders/past-orders.js';
import { DUPLICATE_CHECK_SQL } from '../src/orders/order-faults.js';

const TOKEN = 'test-admin-token-123';
const auth = { Authorization: `Bearer ${TOKEN}` };

/** The order service's faults against a real payment service (PostgreSQL, no consumer). */
describe('order faults (e2e)', () => {
  let payment: BootedApp;
  let order: BootedApp;
  let http: ReturnType<typeof request>;
  let paymentRequests = 0;
  const faults = (svc: BootedApp, list: unknown[]) =>
    request(svc.url).put('/admin/faults').set(auth).send({ faults: list }).expect(200);

  /** The SQL statements the order service runs while `work` runs (its query runner's query method, wrapped). */
  async function countQueries(work: () => Promise<unknown>): Promise<string[]> {
    const runner = order.app.get(DataSource).createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    const seen: string[] = [];
    proto.query = function (this: unknown, ...args: unknown[]) {
      seen.push(String(args[0]));
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      proto.query = original;
    }
    return seen;
  }

  beforeAll(async () => {
    payment = await boot(
      PaymentModule.forRoot(
        env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0, ADMIN_TOKEN: TOKEN }),
      ),
    );
    payment.app.getHttpServer().on('request', (req: { url?: string; method?: string }) => {
      if (req.method === 'POST' && req.url === '/payments') paymentRequests++;
    });
    order = await boot(
      AppModule.forRoot(
        env({
          ...(await orderBehind(payment.url)),
          CIRCUIT_FAILURE_THRESHOLD: 3,
          CIRCUIT_COOLDOWN_MS: 60_000,
          ADMIN_TOKEN: TOKEN,
        }),
      ),
    );
    http = request(order.url);
  });
  afterEach(async () => {
    await faults(order, []);
    await faults(payment, []);
  });
  afterAll(async () => {
    await order.close();
    await payment.close();
  });

  it('n-plus-one loads the items of a page with one query per order', async () => {
    const customerId = await customerWithOrders(http, '/orders', 4);
    const list = () => http.get(`/orders?customerId=${customerId}`).expect(200);
    const itemQueries = (sqls: string[]) => sqls.filter((sql) => /FROM "order_items"/i.test(sql)).length;

    const before = await countQueries(list);
    await faults(order, [{ name: 'n-plus-one' }]);
    let page: { body: { data: { items: unknown[] }[] } } | undefined;
    const during = await countQueries(async () => (page = await list()));
    expect(itemQueries(before)).toBe(1);
    expect(itemQueries(during)).toBe(4);
    expect(page?.body.data).toHaveLength(4);
    expect(page?.body.data.every((o) => o.items.length === 1)).toBe(true);
  });

  it('slow-query runs the duplicate check on a normalised customer_id and still creates the order', async () => {
    await faults(order, [{ name: 'slow-query', params: { rows: 1_000 } }]);
    const sqls = await countQueries(() => http.post('/orders').send(ORDER).expect(201));
    expect(sqls).toContain(DUPLICATE_CHECK_SQL);
  });

  it('slow-query seeds the orders table with past orders once, and trims them when rows shrinks', async () => {
    const db = order.app.get(DataSource);
    const count = async (where: string) =>
      (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE ${where}`))[0]!.n;
    const real = await count("customer_id NOT LIKE 'seed-customer-%'");

    expect(await seedPastOrders(db, 2_000)).toEqual({ inserted: true, deleted: 0 });
    expect(await seedPastOrders(db, 2_000)).toEqual({ inserted: false, deleted: 0 });
    expect(await count("customer_id LIKE 'seed-customer-%'")).toBe(2_000);
    expect(await seedPastOrders(db, 1_500)).toEqual({ inserted: false, deleted: 500 });
    expect(await count("customer_id LIKE 'seed-customer-%'")).toBe(1_500);
    expect(await count("customer_id NOT LIKE 'seed-customer-%'")).toBe(real);
    await http.get(`/orders/${seededOrderId(1_500)}`).expect(200);
    await http.get(`/orders/${seededOrderId(1_501)}`).expect(404);
  });

  it('slow-query seeds once when several order replicas switch it on at the same moment', async () => {
    const db = order.app.get(DataSource);
    await seedPastOrders(db, 0);
    const results = await Promise.all([
      seedPastOrders(db, 3_000),
      seedPastOrders(db, 3_000),
      seedPastOrders(db, 3_000),
    ]);
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const [{ n }] = await db.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM orders WHERE customer_id LIKE 'seed-customer-%'",
    );
    expect(n).toBe(3_000);
  });

  it('pool-exhaustion makes the order transaction hold its connection longer', async () => {
    await faults(order, [{ name: 'pool-exhaustion', params: { holdMs: 200 } }]);
    const started = performance.now();
    await http.post('/orders').send(ORDER).expect(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('pool-exhaustion leaves only poolSize connections for requests, as the db_pool gauges show, and gives them back when off', async () => {
    const gauge = async (series: string) => {
      const text = (await request(order.url).get('/metrics').expect(200)).text;
      return Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1]);
    };
    const active = () => gauge('db_pool_connections{service="order",state="active"}');
    const settles = async (expected: number) => {
      for (let i = 0; i < 100 && (await active()) !== expected; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await active()).toBe(expected);
    };

    expect(await gauge('db_pool_max_connections{service="order"}')).toBe(10);
    await faults(order, [{ name: 'pool-exhaustion', params: { poolSize: 3, holdMs: 0 } }]);
    await settles(7);
    await http.post('/orders').send(ORDER).expect(201);
    await faults(order, []);
    await settles(0);
  });

  it('retry-storm retries a slow payment at once, piling calls on it, and answers 502 with the order pending', async () => {
    // Margins a busy CI machine keeps: each attempt must reach payment (counted there) before order gives up on it.
    await faults(payment, [{ name: 'retry-storm', params: { latencyMs: 600 } }]);
    await faults(order, [{ name: 'retry-storm', params: { timeoutMs: 200, retries: 3 } }]);
    paymentRequests = 0;
    const res = await http.post('/orders').send(ORDER);
    expect([502, 504]).toContain(res.status);
    expect(res.body).toMatchObject({ orderStatus: 'pending' });
    expect(paymentRequests).toBe(4);
  });

  it('downstream-down answers 503 with the order pending, then the circuit opens and fails fast', async () => {
    await faults(order, [{ name: 'downstream-down' }]);
    paymentRequests = 0;
    for (let i = 0; i < 3; i++) {
      const res = await http.post('/orders').send(ORDER).expect(503);
      expect(res.body).toMatchObject({ orderStatus: 'pending' });
      expect(res.body.message).toContain('payment service is unavailable');
    }
    const open = await http.post('/orders').send(ORDER).expect(503);
    expect(open.body.message).toContain('circuit to the payment service is open');
    const metrics = await request(order.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_client_circuit_state\{server="payment"\} 1/);
    expect(paymentRequests).toBe(0);
  });
});
