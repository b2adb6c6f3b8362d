import { OrderEvents, type OrderEventPayload } from '@app/contracts';
import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import request from 'supertest';
import { retainedBytes } from '@app/faults';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedApp, boot, env, freePort, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';
import { startEventConsumer } from '../src/event-consumer.js';

const event = (patch: Partial<OrderEventPayload> = {}): OrderEventPayload => ({
  eventId: crypto.randomUUID(),
  type: OrderEvents.Paid,
  occurredAt: new Date().toISOString(),
  orderId: crypto.randomUUID(),
  customerId: 'c-42',
  totalCents: 2500,
  currency: 'USD',
  paymentId: crypto.randomUUID(),
  failureReason: null,
  ...patch,
});

const TOKEN = 'test-admin-token-123';

describe('notification service on the broker-less transport (e2e)', () => {
  let svc: BootedApp;
  let client: ClientProxy;
  let http: ReturnType<typeof request>;
  const list = async (orderId: string) => (await http.get(`/notifications?orderId=${orderId}`).expect(200)).body.data;

  beforeAll(async () => {
    const port = await freePort();
    svc = await boot(
      AppModule.forRoot(
        env({ DATABASE_URL: await testDatabase('notification'), EVENTS_TCP_PORT: port, ADMIN_TOKEN: TOKEN }),
      ),
      {
        beforeListen: startEventConsumer,
      },
    );
    http = request(svc.url);
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  });
  afterAll(async () => {
    await client.close();
    await svc.close();
  });

  it('records a notification for an order.paid event', async () => {
    const e = event();
    await lastValueFrom(client.emit(e.type, e));
    await expect.poll(() => list(e.orderId)).toHaveLength(1);
    const [n] = await list(e.orderId);
    expect(n).toMatchObject({ eventId: e.eventId, type: 'order.paid', channel: 'email', customerId: 'c-42' });
    expect(n.message).toContain('25.00 USD');
  });

  it('records a notification for a failed payment with its reason', async () => {
    const e = event({ type: OrderEvents.PaymentFailed, failureReason: 'card_declined', paymentId: null });
    await lastValueFrom(client.emit(e.type, e));
    await expect.poll(async () => (await list(e.orderId))[0]?.message ?? '').toContain('card_declined');
  });

  it('records a redelivered event only once', async () => {
    const e = event();
    for (let i = 0; i < 3; i++) await lastValueFrom(client.emit(e.type, e));
    const marker = event();
    await lastValueFrom(client.emit(marker.type, marker));
    await expect.poll(() => list(marker.orderId)).toHaveLength(1);
    expect(await list(e.orderId)).toHaveLength(1);
  });

  it('drops a malformed event and keeps consuming', async () => {
    const bad = { ...event(), totalCents: 'lots', eventId: 'not-a-uuid' };
    await lastValueFrom(client.emit(OrderEvents.Paid, bad));
    const good = event();
    await lastValueFrom(client.emit(good.type, good));
    await expect.poll(() => list(good.orderId)).toHaveLength(1);
    expect(await list(bad.orderId)).toHaveLength(0);
  });

  it('answers 400 for a malformed orderId or limit', async () => {
    expect((await http.get('/notifications?orderId=42').expect(400)).body.errors[0].field).toBe('orderId');
    await http.get('/notifications?limit=-1').expect(400);
  });

  it('reports itself live and ready', async () => {
    await http.get('/health/live').expect(200);
    await http.get('/health/ready').expect(200);
  });

  it('consumer-backlog makes every message take longer; memory-leak keeps memory per message until switched off', async () => {
    const faults = (list: unknown[]) =>
      http.put('/admin/faults').set('Authorization', `Bearer ${TOKEN}`).send({ faults: list }).expect(200);
    await faults([
      { name: 'consumer-backlog', params: { delayMs: 300 } },
      { name: 'memory-leak', params: { retainKiB: 64, maxRetainedMiB: 1 } },
    ]);
    try {
      const e = event();
      const sent = performance.now();
      await lastValueFrom(client.emit(e.type, e));
      await expect.poll(() => list(e.orderId), { interval: 20, timeout: 5_000 }).toHaveLength(1);
      expect(performance.now() - sent).toBeGreaterThanOrEqual(300);
      expect(retainedBytes()).toBeGreaterThanOrEqual(64 * 1024);
    } finally {
      await faults([]);
    }
    expect(retainedBytes()).toBe(0);
  });
});
