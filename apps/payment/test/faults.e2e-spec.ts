import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BootedApp, boot, env, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

const TOKEN = 'test-admin-token-123';
const charge = (orderId = crypto.randomUUID()) => ({
  orderId,
  amountCents: 2500,
  currency: 'USD',
  cardNumber: '4242424242424242',
});

describe('payment faults and the admin API (e2e)', () => {
  let svc: BootedApp;
  let http: ReturnType<typeof request>;
  const admin = () => ({ Authorization: `Bearer ${TOKEN}` });
  const put = (faults: unknown[], extra: object = {}) =>
    http
      .put('/admin/faults')
      .set(admin())
      .send({ faults, ...extra });

  beforeAll(async () => {
    svc = await boot(
      AppModule.forRoot(
        env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0, ADMIN_TOKEN: TOKEN }),
      ),
    );
    http = request(svc.url);
  });
  afterEach(() => put([]).expect(200));
  afterAll(() => svc.close());

  it('answers only the admin token', async () => {
    await http.get('/admin/faults').expect(401);
    await http.get('/admin/faults').set('Authorization', 'Bearer wrong-token-0000').expect(401);
    const res = await http.get('/admin/faults').set(admin()).expect(200);
    expect(res.body).toMatchObject({ service: 'payment', active: [], marker: null });
    expect(res.body.available.map((f: { name: string }) => f.name)).toEqual([
      'payment-latency',
      'payment-errors',
      'event-loop-block',
      'retry-storm',
    ]);
  });

  it.each([
    [[{ name: 'nope' }], /unknown fault "nope"/],
    [[{ name: 'slow-query' }], /acts in order, not in the payment service/],
    [[{ name: 'payment-errors', params: { probability: 3 } }], /between 0 and 1/],
    [[{ name: 'payment-errors' }, { name: 'payment-errors' }], /listed twice/],
    ['not-a-list', /faults must be an array/],
  ])('refuses %j with a 400 that says why, and changes nothing', async (faults, message) => {
    const res = await http.put('/admin/faults').set(admin()).send({ faults }).expect(400);
    expect(JSON.stringify(res.body).replaceAll(String.raw`\"`, `"`)).toMatch(message);
    expect((await http.get('/admin/faults').set(admin()).expect(200)).body.active).toEqual([]);
  });

  it('names the field of the whole set that is refused, by its place in the list', async () => {
    const res = await put([{ name: 'payment-errors' }, { name: 'payment-errors-x' }]).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'faults.1.name', messages: [expect.stringMatching(/^unknown fault "payment-errors-x"/)] },
    ]);
    const range = await put([{ name: 'payment-errors', params: { probability: 3 } }]).expect(400);
    expect(range.body.errors.map((e: { field: string }) => e.field)).toEqual(['faults.0.params.probability']);
  });

  it('switches payment-errors on at runtime: the charge fails with 502, nothing is charged, and a retry works once it is off', async () => {
    await put([{ name: 'payment-errors', params: { probability: 1, status: 503 } }]).expect(200);
    const body = charge();
    const failed = await http.post('/payments').send(body).expect(502);
    expect(failed.body.message).toContain('card provider answered 503');
    expect(await svc.app.get(DataSource).query('SELECT * FROM payments WHERE order_id = $1', [body.orderId])).toEqual(
      [],
    );
    await put([]).expect(200);
    expect((await http.post('/payments').send(body).expect(201)).body.status).toBe('approved');
  });

  it('payment-latency and event-loop-block make the charge take at least their time', async () => {
    await put([
      { name: 'payment-latency', params: { latencyMs: 250 } },
      { name: 'event-loop-block', params: { blockMs: 100 } },
    ]).expect(200);
    const started = performance.now();
    await http.post('/payments').send(charge()).expect(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('hides the names in mystery mode unless asked to reveal them', async () => {
    await put([{ name: 'payment-latency', params: { latencyMs: 1 } }], { marker: 'mystery-abc123' }).expect(200);
    const hidden = await http.get('/admin/faults').set(admin()).expect(200);
    expect(hidden.body).toMatchObject({ active: 'hidden', marker: 'mystery-abc123' });
    const revealed = await http.get('/admin/faults?reveal=true').set(admin()).expect(200);
    expect(revealed.body.active).toEqual([{ name: 'payment-latency', params: { latencyMs: 1, probability: 1 } }]);
    await put([], { marker: 'not a marker' }).expect(400);
  });
});

describe('one fault at a time: PUT and DELETE /admin/faults/:name (e2e)', () => {
  let svc: BootedApp;
  let http: ReturnType<typeof request>;
  const admin = { Authorization: `Bearer ${TOKEN}` };
  const active = async () => (await http.get('/admin/faults?reveal=true').set(admin).expect(200)).body.active;
  const putOne = (name: string, body: object = {}) => http.put(`/admin/faults/${name}`).set(admin).send(body);

  beforeAll(async () => {
    svc = await boot(
      AppModule.forRoot(
        env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0, ADMIN_TOKEN: TOKEN }),
      ),
    );
    http = request(svc.url);
  });
  afterEach(() => http.put('/admin/faults').set(admin).send({ faults: [] }).expect(200));
  afterAll(() => svc.close());

  it('switches one fault on (201) beside the others, replaces its parameters (200), and answers the fault with its defaults', async () => {
    await putOne('payment-errors', { params: { probability: 1 } }).expect(201);
    const created = await putOne('payment-latency', { params: { latencyMs: 5 } }).expect(201);
    expect(created.body).toMatchObject({
      service: 'payment',
      name: 'payment-latency',
      params: { latencyMs: 5, probability: 1 },
    });
    expect(created.body.instance).toMatch(/\/\d+$/);
    expect((await putOne('payment-latency', { params: { latencyMs: 9 } }).expect(200)).body.params).toEqual({
      latencyMs: 9,
      probability: 1,
    });
    expect(await active()).toEqual([
      { name: 'payment-errors', params: { probability: 1, status: 503 } },
      { name: 'payment-latency', params: { latencyMs: 9, probability: 1 } },
    ]);
    await http.post('/payments').send(charge()).expect(502);
  });

  it('switches one fault off (204) and leaves the others on; a fault that is not on is a 404', async () => {
    await putOne('payment-errors').expect(201);
    await putOne('event-loop-block', { params: { blockMs: 1 } }).expect(201);
    await http.delete('/admin/faults/payment-errors').set(admin).expect(204, '');
    expect((await active()).map((f: { name: string }) => f.name)).toEqual(['event-loop-block']);
    const missing = await http.delete('/admin/faults/payment-errors').set(admin).expect(404);
    expect(missing.body.message).toBe('fault "payment-errors" is not on in the payment service');
    await http.post('/payments').send(charge()).expect(201);
  });

  it.each([
    ['PUT', 'nope', {}, 'name', /unknown fault "nope"/],
    ['PUT', 'slow-query', {}, 'name', /acts in order, not in the payment service/],
    ['PUT', 'Not_A_Name', {}, 'name', /name must be a fault of the catalogue/],
    [
      'PUT',
      'payment-latency',
      { params: { latency: 5 } },
      'params.latency',
      /no parameter "latency"; it takes latencyMs, probability/,
    ],
    ['PUT', 'payment-errors', { params: { probability: 3 } }, 'params.probability', /between 0 and 1/],
    ['PUT', 'payment-latency', { params: { latencyMs: 'slow' } }, 'params.latencyMs', /must be a number/],
    ['PUT', 'payment-latency', { params: 'fast' }, 'params', /params must be an object/],
    ['PUT', 'payment-latency', { latencyMs: 5 }, 'latencyMs', /property latencyMs should not exist/],
    ['DELETE', 'slow-query', undefined, 'name', /acts in order, not in the payment service/],
  ] as const)(
    '%s /admin/faults/%s %j is a 400 naming the field %s, and changes nothing',
    async (method, name, body, field, message) => {
      await putOne('payment-errors').expect(201);
      const req =
        method === 'PUT'
          ? http.put(`/admin/faults/${name}`).set(admin).send(body)
          : http.delete(`/admin/faults/${name}`).set(admin);
      const res = await req.expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      expect(JSON.stringify(res.body.errors).replaceAll(String.raw`\"`, '"')).toMatch(message);
      expect((await active()).map((f: { name: string }) => f.name)).toEqual(['payment-errors']);
    },
  );

  it('answers only the admin token', async () => {
    await http.put('/admin/faults/payment-errors').send({}).expect(401);
    await http.delete('/admin/faults/payment-errors').set('Authorization', 'Bearer wrong-token-0000').expect(401);
    expect(await active()).toEqual([]);
  });

  it('refuses a per-fault change while a mystery is on (409, without saying where it acts), unless it names the mystery', async () => {
    await http
      .put('/admin/faults')
      .set(admin)
      .send({ faults: [{ name: 'payment-errors' }], marker: 'mystery-feed4321' })
      .expect(200);
    const refused = await putOne('payment-latency').expect(409);
    expect(refused.body.message).toMatch(/^a mystery scenario \(mystery-feed4321\) is on/);
    expect(refused.body.message).not.toContain('payment-errors');
    await http.delete('/admin/faults/payment-errors').set(admin).expect(409);
    await http.delete('/admin/faults/payment-latency').set(admin).expect(409); // not 404: that would say it is not the mystery
    await putOne('payment-latency', { marker: 'mystery-00000000' }).expect(409);

    await putOne('payment-errors', { params: { probability: 0.5 }, marker: 'mystery-feed4321' }).expect(200);
    await http.delete('/admin/faults/payment-errors?marker=mystery-feed4321').set(admin).expect(204);
    expect((await http.get('/admin/faults?reveal=true').set(admin).expect(200)).body).toMatchObject({
      active: [],
      marker: 'mystery-feed4321',
    });
  });

  it('refuses a marker when no mystery is on: one fault cannot start a mystery', async () => {
    await putOne('payment-latency', { marker: 'mystery-feed4321' }).expect(409);
    await http.delete('/admin/faults/payment-latency?marker=bad').set(admin).expect(400);
    expect(await active()).toEqual([]);
  });
});

describe('payment faults from the environment (e2e)', () => {
  it('starts with the faults in FAULTS switched on', async () => {
    const svc = await boot(
      AppModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), FAULTS: 'payment-errors:probability=1' })),
    );
    try {
      await request(svc.url).post('/payments').send(charge()).expect(502);
    } finally {
      await svc.close();
    }
  });

  it('refuses to boot with a FAULTS value it cannot read', async () => {
    await expect(
      boot(
        AppModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), FAULTS: 'payment-errors:probability=7' })),
      ),
    ).rejects.toThrow(/between 0 and 1/);
  });

  it('keeps the admin API off without ADMIN_TOKEN', async () => {
    const svc = await boot(AppModule.forRoot(env({ DATABASE_URL: await testDatabase('payment') })));
    try {
      const res = await request(svc.url)
        .get('/admin/faults')
        .set('Authorization', 'Bearer anything-at-all')
        .expect(403);
      expect(res.body.message).toContain('set ADMIN_TOKEN');
    } finally {
      await svc.close();
    }
  });
});
