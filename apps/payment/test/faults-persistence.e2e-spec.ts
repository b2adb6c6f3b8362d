import { LISTENER_APPLICATION_NAME } from '@app/faults';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { adminFaults } from '../../../test/support/admin-faults.js';
import { type BootedApp, boot, env, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

const TOKEN = 'test-admin-token-123';
const auth = { Authorization: `Bearer ${TOKEN}` };
const LATENCY = { name: 'payment-latency', params: { latencyMs: 700, probability: 1 } };
const ERRORS = { name: 'payment-errors', params: { probability: 0.3, status: 503 } };

/**
 * The payment service's faults in its own PostgreSQL database: they survive a
 * restart (the app closed and booted again on the same database) and reach
 * every replica on that database (two apps booted on it).
 */
describe('payment faults kept in its database (e2e)', () => {
  const running: BootedApp[] = [];
  const start = async (databaseUrl: string, extra: Record<string, string> = {}) => {
    const app = await boot(
      AppModule.forRoot(
        env({ DATABASE_URL: databaseUrl, PAYMENT_PROVIDER_LATENCY_MS: 0, ADMIN_TOKEN: TOKEN, ...extra }),
      ),
    );
    running.push(app);
    return app;
  };
  const stop = async (app: BootedApp) => {
    running.splice(running.indexOf(app), 1);
    await app.close();
  };
  const { get, put } = adminFaults(auth);
  afterEach(async () => {
    for (const app of running.splice(0)) await app.close();
  });

  it('keeps a fault switched on across a restart, with the mystery marker', async () => {
    const url = await testDatabase('payment');
    const first = await start(url);
    await put(first, [LATENCY], 'mystery-1234abcd');
    await stop(first);

    const again = await start(url);
    expect(await get(again)).toMatchObject({
      active: [LATENCY],
      marker: 'mystery-1234abcd',
      store: 'the payment database (table workshop_faults)',
    });
    const started = performance.now();
    await request(again.url)
      .post('/payments')
      .send({ orderId: crypto.randomUUID(), amountCents: 100, currency: 'USD', cardNumber: '4242424242424242' })
      .expect(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('stores one row with who wrote it, and an off switch survives a restart too', async () => {
    const url = await testDatabase('payment');
    const first = await start(url);
    await put(first, [LATENCY]);
    await put(first, []);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT service, faults, marker, updated_by FROM workshop_faults');
      expect(rows).toEqual([{ service: 'payment', faults: [], marker: null, updated_by: (await get(first)).instance }]);
    } finally {
      await client.end();
    }
    await stop(first);
    expect((await get(await start(url))).active).toEqual([]);
  });

  it('switches a fault on in every replica on the database when one of them is told', async () => {
    const url = await testDatabase('payment');
    const [a, b] = [await start(url), await start(url)];
    expect((await get(a)).instance).toMatch(/^.+\/\d+$/);
    await put(a, [LATENCY]);
    await expect.poll(async () => (await get(b)).active, { timeout: 3_000, interval: 100 }).toEqual([LATENCY]);
    await put(b, [], 'mystery-feed0123');
    await expect.poll(async () => (await get(a)).marker, { timeout: 3_000, interval: 100 }).toBe('mystery-feed0123');
    expect((await get(a)).active).toEqual([]);
  });

  it('fans a per-fault PUT and DELETE on one replica out to the other, keeping the faults it did not name', async () => {
    const url = await testDatabase('payment');
    const [a, b] = [await start(url), await start(url)];
    await put(a, [ERRORS]);
    await expect.poll(async () => (await get(b)).active, { timeout: 3_000, interval: 100 }).toEqual([ERRORS]);
    await request(b.url)
      .put('/admin/faults/payment-latency')
      .set(auth)
      .send({ params: { latencyMs: 700 } })
      .expect(201);
    await expect.poll(async () => (await get(a)).active, { timeout: 3_000, interval: 100 }).toEqual([ERRORS, LATENCY]);
    await request(a.url).delete('/admin/faults/payment-errors').set(auth).expect(204);
    await expect.poll(async () => (await get(b)).active, { timeout: 3_000, interval: 100 }).toEqual([LATENCY]);
  });

  it('keeps every fault when two replicas switch different ones on at the same moment (no lost update)', async () => {
    const url = await testDatabase('payment');
    const [a, b] = [await start(url), await start(url)];
    const names = ['payment-latency', 'payment-errors', 'event-loop-block', 'retry-storm'];
    const answers = await Promise.all(
      names.map((name, i) =>
        request((i % 2 ? a : b).url)
          .put(`/admin/faults/${name}`)
          .set(auth)
          .send({}),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const on = async (app: BootedApp) => ((await get(app)).active as { name: string }[]).map((f) => f.name).sort();
    // Each replica follows the other's commits through LISTEN/NOTIFY: both end with all four.
    for (const app of [a, b])
      await expect.poll(() => on(app), { timeout: 3_000, interval: 100 }).toEqual([...names].sort());
  });

  it('catches up with a change made while its listening connection was cut', async () => {
    const url = await testDatabase('payment');
    const [a, b] = [await start(url), await start(url)];
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
        [LISTENER_APPLICATION_NAME],
      );
      expect(rows).toEqual([{ cut: true }, { cut: true }]);
    } finally {
      await admin.end();
    }
    await put(a, [LATENCY]);
    // The slow poll is 10 s: within 5 s only the reconnect (and its re-read) can have brought it.
    await expect.poll(async () => (await get(b)).active, { timeout: 5_000, interval: 100 }).toEqual([LATENCY]);
  });

  it('switches faults while the database pool of the app is starved (as pool-exhaustion starves it)', async () => {
    const app = await start(await testDatabase('payment'), { DB_POOL_SIZE: '1' });
    const busy = app.app.get(DataSource).query('SELECT pg_sleep(4)');
    try {
      const started = performance.now();
      await put(app, [LATENCY]);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await busy;
    }
  });

  it('boots with a new FAULTS value over the stored state, and with the stored state when FAULTS is the same as last time', async () => {
    const url = await testDatabase('payment');
    const first = await start(url, { FAULTS: 'payment-errors' });
    expect((await get(first)).active.map((f: { name: string }) => f.name)).toEqual(['payment-errors']);
    await put(first, []);
    await stop(first);

    const same = await start(url, { FAULTS: 'payment-errors' });
    expect((await get(same)).active).toEqual([]);
    await stop(same);

    const changed = await start(url, { FAULTS: 'payment-latency:latencyMs=700' });
    expect((await get(changed)).active).toEqual([LATENCY]);
  });
});
