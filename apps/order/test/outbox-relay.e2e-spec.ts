import { OrderEvents } from '@app/contracts';
import type { FactoryProvider } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter, type Gauge } from 'prom-client';
import { Observable, of, throwError } from 'rxjs';
import { DataSource, type DataSourceOptions, type Repository } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/boot.js';
import { OrderEnv } from '../src/config/env.validation.js';
import { CreateOrders1764000000000 } from '../src/migrations/1764000000000-create-orders.js';
import { OutboxTraceContext1764100000000 } from '../src/migrations/1764100000000-outbox-trace-context.js';
import { ReplicaClaims1767100000000 } from '../src/migrations/1767100000000-replica-claims.js';
import { Order, OrderItem } from '../src/orders/order.entity.js';
import { OutboxEvent } from '../src/outbox/outbox-event.entity.js';
import { OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, countUnpublished, outboxMetrics } from '../src/outbox/outbox.metrics.js';
import { OutboxRelay, newOutboxEvent } from '../src/outbox/outbox.relay.js';

/** A stand-in for the broker client: records what is emitted, or fails/hangs on demand. */
class FakeClient {
  sent: { pattern: string; eventId: string }[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  emit(pattern: string, data: { eventId: string }) {
    if (this.mode === 'fail') return throwError(() => new Error('connection refused'));
    if (this.mode === 'hang') return new Observable(() => {});
    this.sent.push({ pattern, eventId: data.eventId });
    return of(undefined);
  }
  async close() {}
}

const config = Object.assign(new OrderEnv(), {
  OUTBOX_POLL_INTERVAL_MS: 50,
  OUTBOX_BATCH_SIZE: 2,
  OUTBOX_PUBLISH_TIMEOUT_MS: 100,
  OUTBOX_LEASE_MS: 5_000,
});

/** A counter of the relay's own, outside the process registry, so each test starts from 0. */
const eventCounter = () =>
  new Counter({ name: 'outbox_test_total', help: 'test', labelNames: ['event'], registers: [] });

const count = async (counter: Counter<'event'>, event: string) =>
  (await counter.get()).values.find((v) => v.labels.event === event)?.value;

describe('OutboxRelay', () => {
  let dataSource: DataSource;
  let repo: Repository<OutboxEvent>;
  let client: FakeClient;
  let relay: OutboxRelay;
  let published: Counter<'event'>;
  let failures: Counter<'event'>;

  const write = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) =>
      newOutboxEvent(
        {
          type: OrderEvents.Paid,
          orderId: crypto.randomUUID(),
          customerId: 'c-1',
          totalCents: 100 + i,
          currency: 'USD',
          paymentId: 'p',
          failureReason: null,
        },
        new Date(Date.now() + i),
      ),
    );
    await repo.insert(events);
    return events;
  };

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      url: await testDatabase('order'),
      entities: [Order, OrderItem, OutboxEvent],
      migrations: [CreateOrders1764000000000, OutboxTraceContext1764100000000, ReplicaClaims1767100000000],
      migrationsRun: true,
    });
    await dataSource.initialize();
    repo = dataSource.getRepository(OutboxEvent);
    client = new FakeClient();
    published = eventCounter();
    failures = eventCounter();
    relay = new OutboxRelay(repo, client as unknown as ClientProxy, config, published, failures);
  });

  afterEach(async () => {
    await relay.beforeApplicationShutdown();
    await dataSource.destroy();
  });

  it('publishes unpublished events oldest first, one batch at a time, and marks them published', async () => {
    const events = await write(3);
    expect(await relay.relayBatch()).toBe(2);
    expect(await relay.relayBatch()).toBe(1);
    expect(await relay.relayBatch()).toBe(0);
    expect(client.sent.map((s) => s.eventId)).toEqual(events.map((e) => e.id));
    expect(await countUnpublished(repo)).toBe(0);
    const stored = await repo.findOneByOrFail({ id: events[0].id });
    expect(stored.publishedAt).toBeInstanceOf(Date);
    expect(stored.attempts).toBe(1);
  });

  it('counts published events by type, and failures from 0 for every type', async () => {
    expect(await count(failures, OrderEvents.Paid)).toBe(0);
    expect(await count(failures, OrderEvents.PaymentFailed)).toBe(0);
    await write(2);
    await relay.relayBatch();
    expect(await count(published, OrderEvents.Paid)).toBe(2);
  });

  it('keeps an event and records the error when the transport fails, then publishes it when it is back', async () => {
    const [event] = await write(1);
    client.mode = 'fail';
    expect(await relay.relayBatch()).toBe(0);
    expect(await count(failures, OrderEvents.Paid)).toBe(1);
    let stored = await repo.findOneByOrFail({ id: event.id });
    expect(stored.publishedAt).toBeNull();
    expect(stored.attempts).toBe(1);
    expect(stored.lastError).toContain('connection refused');

    client.mode = 'ok';
    expect(await relay.relayBatch()).toBe(1);
    stored = await repo.findOneByOrFail({ id: event.id });
    expect(stored.publishedAt).not.toBeNull();
    expect(stored.lastError).toBeNull();
  });

  it('gives up on a publish the broker never confirms, and retries it later', async () => {
    await write(1);
    client.mode = 'hang';
    expect(await relay.relayBatch()).toBe(0);
    expect(await countUnpublished(repo)).toBe(1);
  });

  it('stops at the first failure so events stay in order', async () => {
    await write(2);
    client.mode = 'fail';
    await relay.relayBatch();
    const rows = await repo.find({ order: { createdAt: 'ASC' } });
    expect(rows.map((r) => r.attempts)).toEqual([1, 0]);
  });

  it('reports the backlog at scrape time, and keeps the last values while the database is unreachable', async () => {
    // The gauges as the order service's OutboxModule makes them, on a connection of their own.
    const own = await new DataSource({ ...dataSource.options, migrationsRun: false } as DataSourceOptions).initialize();
    const gauge = (name: string) =>
      (outboxMetrics.find((p) => (p as FactoryProvider).provide === getToken(name)) as FactoryProvider).useFactory(
        undefined,
        own.getRepository(OutboxEvent),
      ) as Gauge;
    const value = async (g: Gauge) => (await g.get()).values[0]?.value;
    const [backlog, age] = [gauge(OUTBOX_BACKLOG), gauge(OUTBOX_OLDEST_AGE)];
    await write(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(await value(backlog)).toBe(2);
    const oldest = await value(age);
    expect(oldest).toBeGreaterThan(0);

    await own.destroy();
    expect(await value(backlog)).toBe(2);
    expect(await value(age)).toBe(oldest);
  });

  it('delivers on its own after a nudge, without waiting for the poll', async () => {
    relay.onApplicationBootstrap();
    await write(1);
    relay.nudge();
    await expect.poll(() => client.sent.length, { timeout: 2_000 }).toBe(1);
  });
});
