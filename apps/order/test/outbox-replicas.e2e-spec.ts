import { OrderEvents } from '@app/contracts';
import type { ClientProxy } from '@nestjs/microservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { of } from 'rxjs';
import { DataSource, IsNull, Not, type Repository } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/boot.js';
import { OrderEnv } from '../src/config/env.validation.js';
import { CreateOrders1764000000000 } from '../src/migrations/1764000000000-create-orders.js';
import { OutboxTraceContext1764100000000 } from '../src/migrations/1764100000000-outbox-trace-context.js';
import { ReplicaClaims1767100000000 } from '../src/migrations/1767100000000-replica-claims.js';
import { Order, OrderItem } from '../src/orders/order.entity.js';
import { claimPendingOrder } from '../src/orders/reconcile-claims.js';
import { OutboxEvent } from '../src/outbox/outbox-event.entity.js';
import { claimOutboxEvents } from '../src/outbox/outbox-claims.js';
import { OutboxRelay, newOutboxEvent } from '../src/outbox/outbox.relay.js';

/**
 * Several order replicas on one real PostgreSQL: each replica is a relay with its own
 * connection pool (its own DataSource), as separate processes would have.
 */
const REPLICAS = 3;

/** The relay's counters, outside the process registry (nothing here reads them). */
const eventCounter = () =>
  new Counter({ name: 'outbox_test_total', help: 'test', labelNames: ['event'], registers: [] });
const newRelay = (outbox: Repository<OutboxEvent>, client: unknown, env: OrderEnv) =>
  new OutboxRelay(outbox, client as ClientProxy, env, eventCounter(), eventCounter());

/** A broker that confirms every message, and remembers what it was sent. */
class RecordingClient {
  sent: string[] = [];
  emit(_pattern: string, data: { eventId: string }) {
    this.sent.push(data.eventId);
    return of(undefined);
  }
  async close() {}
}

const config = (leaseMs = 5_000) =>
  Object.assign(new OrderEnv(), {
    OUTBOX_POLL_INTERVAL_MS: 50,
    OUTBOX_BATCH_SIZE: 10,
    OUTBOX_PUBLISH_TIMEOUT_MS: 500,
    OUTBOX_LEASE_MS: leaseMs,
  });

const event = (orderId: string, at: number, type: (typeof OrderEvents)[keyof typeof OrderEvents] = OrderEvents.Paid) =>
  newOutboxEvent(
    { type, orderId, customerId: 'c-1', totalCents: 100, currency: 'USD', paymentId: 'p', failureReason: null },
    new Date(at),
  );

/** REPLICAS connection pools on one order database, one a replica; the first runs the migrations. */
async function openReplicas(url: string, poolSize: number): Promise<DataSource[]> {
  const open = () =>
    new DataSource({
      type: 'postgres',
      url,
      entities: [Order, OrderItem, OutboxEvent],
      migrations: [CreateOrders1764000000000, OutboxTraceContext1764100000000, ReplicaClaims1767100000000],
      migrationsRun: true,
      extra: { max: poolSize },
    }).initialize();
  const first = await open(); // runs the migrations once, before the others connect
  return [first, ...(await Promise.all(Array.from({ length: REPLICAS - 1 }, open)))];
}

describe('OutboxRelay on several replicas', () => {
  let sources: DataSource[];

  beforeEach(async () => {
    sources = await openReplicas(await testDatabase('order'), 4);
  });

  afterEach(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
  });

  const outbox = (i = 0) => sources[i]!.getRepository(OutboxEvent);

  it('publishes each event exactly once when every replica relays at the same time', async () => {
    const start = Date.now();
    const events = Array.from({ length: 300 }, (_, i) => event(crypto.randomUUID(), start + i));
    await outbox().insert(events);

    const clients = sources.map(() => new RecordingClient());
    const relays = sources.map((s, i) => newRelay(s.getRepository(OutboxEvent), clients[i], config()));
    await Promise.all(
      relays.map(async (relay) => {
        while ((await relay.relayBatch()) > 0);
      }),
    );

    const sent = clients.flatMap((c) => c.sent);
    expect(sent).toHaveLength(events.length);
    expect(new Set(sent).size).toBe(events.length);
    expect(await outbox().countBy({ publishedAt: IsNull() })).toBe(0);
    // Shared, not one replica doing it all while the others wait.
    for (const client of clients) expect(client.sent.length).toBeGreaterThan(0);
    await Promise.all(relays.map((r) => r.beforeApplicationShutdown()));
  });

  it('lets only the oldest unpublished event of an order be claimed, whichever replica asks', async () => {
    const orderId = crypto.randomUUID();
    const [first, second] = [event(orderId, 1_000), event(orderId, 2_000, OrderEvents.PaymentFailed)];
    await outbox().insert([second!, first!]);

    expect((await claimOutboxEvents(outbox(0), 'replica-a', 5_000, 10)).map((e) => e.id)).toEqual([first!.id]);
    expect(await claimOutboxEvents(outbox(1), 'replica-b', 5_000, 10)).toEqual([]);

    await outbox(0).update({ id: first!.id }, { publishedAt: new Date(), claimedBy: null, claimedUntil: null });
    expect((await claimOutboxEvents(outbox(1), 'replica-b', 5_000, 10)).map((e) => e.id)).toEqual([second!.id]);
  });

  it('leaves events a dead replica claimed alone until its lease runs out, then publishes them', async () => {
    await outbox().insert([event(crypto.randomUUID(), Date.now())]);
    expect(await claimOutboxEvents(outbox(0), 'replica-that-died', 300, 10)).toHaveLength(1);

    const client = new RecordingClient();
    const relay = newRelay(outbox(1), client, config());
    expect(await relay.relayBatch()).toBe(0);
    await sleep(400);
    expect(await relay.relayBatch()).toBe(1);
    expect(await outbox().countBy({ publishedAt: Not(IsNull()) })).toBe(1);
    await relay.beforeApplicationShutdown();
  });

  it('hands back what it claimed but did not publish, so another replica need not wait for the lease', async () => {
    const start = Date.now();
    await outbox().insert([event(crypto.randomUUID(), start), event(crypto.randomUUID(), start + 1)]);
    const failing = {
      emit: () => {
        throw new Error('connection refused');
      },
      close: async () => {},
    };
    const broken = newRelay(outbox(0), failing, config(60_000));
    expect(await broken.relayBatch()).toBe(0);

    const client = new RecordingClient();
    const healthy = newRelay(outbox(1), client, config(60_000));
    expect(await healthy.relayBatch()).toBe(2);
    await Promise.all([broken, healthy].map((r) => r.beforeApplicationShutdown()));
  });
});

describe('claimPendingOrder on several replicas', () => {
  it('gives each pending order to one reconciler at a time', async () => {
    const sources = await openReplicas(await testDatabase('order'), 2);
    try {
      const old = new Date(Date.now() - 60_000);
      const orders = Array.from({ length: 60 }, (_, i) => ({
        id: crypto.randomUUID(),
        customerId: 'c-1',
        status: i % 6 === 0 ? ('paid' as const) : ('pending' as const),
        totalCents: 100,
        currency: 'USD' as const,
        cardLast4: '4242',
        paymentId: null,
        failureReason: null,
        idempotencyKey: null,
        requestFingerprint: null,
        createdAt: old,
        updatedAt: old,
      }));
      await sources[0]!.getRepository(Order).insert(orders);

      const claimed = await Promise.all(
        sources.map(async (s) => {
          const mine: string[] = [];
          for (let id; (id = await claimPendingOrder(s.getRepository(Order), new Date(), 10_000));) mine.push(id);
          return mine;
        }),
      );
      const all = claimed.flat();
      expect(all.sort()).toEqual(
        orders
          .filter((o) => o.status === 'pending')
          .map((o) => o.id)
          .sort(),
      );
      // Claimed ones stay taken while the lease lasts.
      expect(await claimPendingOrder(sources[0]!.getRepository(Order), new Date(), 10_000)).toBeNull();
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});
