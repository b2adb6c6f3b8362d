import { DECLINED_TEST_CARD } from '@app/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedApp, boot, env, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

const CARD = '4242424242424242';
const charge = (orderId: string, patch: Record<string, unknown> = {}) => ({
  orderId,
  amountCents: 2500,
  currency: 'USD',
  cardNumber: CARD,
  ...patch,
});

describe('payment service (e2e)', () => {
  let svc: BootedApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    svc = await boot(
      AppModule.forRoot(env({ DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 5 })),
    );
    http = request(svc.url);
  });
  afterAll(() => svc.close());

  it('approves a valid card and stores only its last four digits', async () => {
    const orderId = crypto.randomUUID();
    const res = await http.post('/payments').send(charge(orderId)).expect(201);
    expect(res.body).toMatchObject({ orderId, status: 'approved', cardLast4: '4242', amountCents: 2500 });
    expect(JSON.stringify(res.body)).not.toContain(CARD);

    const rows = await svc.app.get(DataSource).query('SELECT * FROM payments');
    expect(JSON.stringify(rows)).not.toContain(CARD);
    expect(JSON.stringify(rows)).not.toContain('424242424242');
  });

  it('always declines the documented test card', async () => {
    const res = await http
      .post('/payments')
      .send(charge(crypto.randomUUID(), { cardNumber: DECLINED_TEST_CARD }))
      .expect(201);
    expect(res.body).toMatchObject({ status: 'declined', declineReason: 'card_declined', cardLast4: '0002' });
  });

  it('returns the first charge with 200 when the same order is charged again', async () => {
    const orderId = crypto.randomUUID();
    const first = await http.post('/payments').send(charge(orderId)).expect(201);
    const again = await http.post('/payments').send(charge(orderId)).expect(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('charges an order once when duplicates arrive concurrently', async () => {
    const orderId = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => http.post('/payments').send(charge(orderId))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers) expect([200, 201, 409]).toContain(a.status);
    const [{ n }] = await svc.app
      .get(DataSource)
      .query('SELECT COUNT(*) AS n FROM payments WHERE order_id = $1', [orderId]);
    expect(Number(n)).toBe(1);
  });

  it('refuses to charge an already charged order with another amount', async () => {
    const orderId = crypto.randomUUID();
    await http.post('/payments').send(charge(orderId)).expect(201);
    await http
      .post('/payments')
      .send(charge(orderId, { amountCents: 9999 }))
      .expect(409);
  });

  it('finds a payment by id and by order, and answers 404 for unknown ones', async () => {
    const orderId = crypto.randomUUID();
    const { body } = await http.post('/payments').send(charge(orderId)).expect(201);
    await http.get(`/payments/${body.id}`).expect(200);
    expect((await http.get(`/payments?orderId=${orderId}`).expect(200)).body.id).toBe(body.id);
    await http.get(`/payments/${crypto.randomUUID()}`).expect(404);
    await http.get(`/payments?orderId=${crypto.randomUUID()}`).expect(404);
    await http.get('/payments/not-a-uuid').expect(400);
  });

  it.each([
    ['a card failing the Luhn check', { cardNumber: '4242424242424241' }, 'cardNumber'],
    ['a card with spaces', { cardNumber: '4242 4242 4242 4242' }, 'cardNumber'],
    ['a missing order id', { orderId: undefined }, 'orderId'],
    ['a negative amount', { amountCents: -1 }, 'amountCents'],
    ['an amount as a string', { amountCents: '2500' }, 'amountCents'],
    ['an unknown currency', { currency: 'XXX' }, 'currency'],
    ['an unknown field', { vip: true }, 'vip'],
  ])('rejects %s with 400 naming the field', async (_label, patch, field) => {
    const res = await http.post('/payments').send(charge(crypto.randomUUID(), patch)).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toContain('4242424242424241');
  });

  it('answers 400 for malformed JSON, 413 for an oversized body and 415 for a non-JSON body', async () => {
    await http.post('/payments').set('content-type', 'application/json').send('{"orderId":').expect(400);
    await http
      .post('/payments')
      .send({ pad: 'x'.repeat(70_000) })
      .expect(413);
    await http.post('/payments').set('content-type', 'text/plain').send('hello').expect(415);
    await http.post('/payments').send([1, 2]).expect(400);
  });

  it('answers 400 naming the field when a body carries a prototype key, and charges nothing', async () => {
    const orderId = crypto.randomUUID();
    const res = await http
      .post('/payments')
      .set('content-type', 'application/json')
      .send(
        `{"orderId":"${orderId}","amountCents":100,"currency":"USD","cardNumber":"4242424242424242","__proto__":{"polluted":true}}`,
      )
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, field: '__proto__' });
    await http.get(`/payments?orderId=${orderId}`).expect(404);
  });

  it('reports itself live and ready with its database', async () => {
    await http.get('/health/live').expect(200);
    const ready = await http.get('/health/ready').expect(200);
    expect(ready.body.details.database.status).toBe('up');
  });
});
