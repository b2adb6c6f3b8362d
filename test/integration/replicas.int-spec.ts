import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { resetNotificationQueues } from './support/rabbitmq.js';
import { Stack, backingServices, eventually, type ServiceName } from './support/stack.js';

/**
 * The scaled-out stack of docker-compose.scale.yml, as real processes on real PostgreSQL and
 * RabbitMQ: three order, two payment and two notification replicas, the gateway in front. Where
 * compose's DNS spreads connections over a service's replicas, a round-robin proxy does here, on
 * the port each caller is configured with. Ports 25600–25799.
 */
const BASE = 25600;
const ADMIN_TOKEN = 'replicas-admin-token';
const REPLICAS: Record<Exclude<ServiceName, 'gateway'>, number[]> = {
  payment: [25621, 25622],
  notification: [25631, 25632],
  order: [25611, 25612, 25613],
};
const ORDER_ENV = {
  PAYMENT_TIMEOUT_MS: '2000',
  OUTBOX_PUBLISH_TIMEOUT_MS: '2000',
  // A killed replica's claims come back to the others after this (and the reconciler's 2 x (timeout + 1 s)).
  OUTBOX_LEASE_MS: '4000',
};
/** The gateway's breaker would otherwise answer 503 for 5 s after the kill; clients retry through it either way. */
const BREAKER_ENV = { CIRCUIT_COOLDOWN_MS: '1000' };

let stack: Stack;
const proxies: RoundRobinProxy[] = [];
const processes = new Map<string, ChildProcess>();

/** One counter summed over its series (all label sets) in one process's /metrics text; 0 when absent. */
async function counter(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)`).exec(line);
    if (!m) continue;
    if (Object.entries(labels).every(([k, v]) => (m[1] ?? '').includes(`${k}="${v}"`))) sum += Number(m[2]);
  }
  return sum;
}

const sumOver = async (ports: number[], name: string, labels?: Record<string, string>) =>
  (await Promise.all(ports.map((p) => counter(p, name, labels)))).reduce((a, b) => a + b, 0);

/**
 * Places one order as a careful client does: the same Idempotency-Key on every try, retrying on a
 * network error, a 5xx or a 409 (still pending) until the order is settled. Returns the order.
 */
async function placeUntilSettled(
  key: string,
  deadlineMs = 60_000,
): Promise<{ id: string; status: string; tries: number }> {
  const deadline = Date.now() + deadlineMs;
  for (let tries = 1; ; tries++) {
    try {
      const res = await fetch(`${stack.urls.gateway}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(ORDER),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json()) as { id: string; status: string };
      if (res.status === 201 || res.status === 200) {
        if (body.status !== 'pending') return { ...body, tries };
      } else if (res.status < 500 && res.status !== 409) {
        throw new Error(`order ${key}: ${res.status} ${JSON.stringify(body)}`);
      }
    } catch (error) {
      if ((error as Error).message.startsWith(`order ${key}:`)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`order ${key} not settled within ${deadlineMs} ms`);
    await sleep(250);
  }
}

/** `count` orders from `concurrency` clients; `during(done)` runs after each order completes. */
async function load(prefix: string, count: number, concurrency: number, during?: (done: number) => void) {
  const results: { id: string; status: string; tries: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const key = `${prefix}-${next++}`;
        results.push(await placeUntilSettled(key));
        during?.(results.length);
      }
    }),
  );
  return results;
}

const count = async (service: 'order' | 'payment' | 'notification', sql: string) =>
  Number((await stack.query<{ n: string }>(service, sql))[0]!.n);

beforeAll(async () => {
  if (!existsSync('dist/apps/gateway/src/main.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const { adminUrl, rabbitUrl } = backingServices();
  stack = new Stack({ basePort: BASE, backing: { adminUrl, rabbitUrl } });
  await stack.createDatabases();
  await resetNotificationQueues(stack.rabbitUrl!);
  // Each service's usual port is its proxy, so every caller's configured URL reaches all the replicas.
  for (const service of ['payment', 'notification', 'order'] as const) {
    const ports = REPLICAS[service];
    proxies.push(
      await new RoundRobinProxy(ports.map((port) => ({ host: '127.0.0.1', port }))).start(stack.ports[service]),
    );
    const env = { ADMIN_TOKEN, ...(service === 'order' ? { ...ORDER_ENV, ...BREAKER_ENV } : {}) };
    // The first replica alone runs the migrations; the others start together.
    processes.set(`${service}-${ports[0]}`, await stack.startReplica(service, ports[0]!, env));
    const rest = await Promise.all(ports.slice(1).map((port) => stack.startReplica(service, port, env)));
    ports.slice(1).forEach((port, i) => processes.set(`${service}-${port}`, rest[i]!));
  }
  await stack.start('gateway', BREAKER_ENV);
}, 180_000);

afterAll(async () => {
  await stack?.stopAll();
  await Promise.all(proxies.map((p) => p.stop()));
  await stack?.dropDatabases();
});

/** What one replica says is on: GET /admin/faults on its own port. */
async function faultsOf(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/admin/faults?reveal=true`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const body = (await res.json()) as { active: { name: string }[] };
  return body.active.map((f) => f.name);
}

async function putFaults(port: number, faults: { name: string; params?: Record<string, number> }[]): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ faults }),
  });
  if (!res.ok) throw new Error(`PUT /admin/faults on ${port}: ${res.status} ${await res.text()}`);
}

describe('faults across replicas', () => {
  it('a fault switched on through one order replica is on in all three within seconds, and off again the same way', async () => {
    const [first, ...others] = REPLICAS.order;
    await putFaults(first!, [{ name: 'n-plus-one' }]);
    for (const port of others)
      await expect.poll(() => faultsOf(port), { timeout: 15_000, interval: 250 }).toEqual(['n-plus-one']);
    await putFaults(others.at(-1)!, []);
    for (const port of REPLICAS.order)
      await expect.poll(() => faultsOf(port), { timeout: 15_000, interval: 250 }).toEqual([]);
  });
});

describe('three order, two payment and two notification replicas behind the gateway', () => {
  const settled = { orders: 0 };

  it('turns N orders into N orders, N charges, N events each published once and N notifications', async () => {
    const N = 60;
    const results = await load('steady', N, 6);
    settled.orders += N;
    expect(results.filter((r) => r.status === 'paid')).toHaveLength(N);

    expect(await count('order', 'SELECT COUNT(*) AS n FROM orders')).toBe(N);
    expect(await count('payment', 'SELECT COUNT(DISTINCT order_id) AS n FROM payments')).toBe(N);
    expect(await count('payment', 'SELECT COUNT(*) AS n FROM payments')).toBe(N);
    await eventually(
      async () => (await count('notification', 'SELECT COUNT(*) AS n FROM notifications')) === N,
      30_000,
      `${N} notifications`,
    );
    expect(await count('order', 'SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL')).toBe(0);

    // Each event published once, by one replica: the counters summed over the replicas, not one replica's count three times.
    const published = await Promise.all(REPLICAS.order.map((port) => counter(port, 'outbox_events_published_total')));
    expect(published.reduce((a, b) => a + b, 0)).toBe(N);
    // And delivered once: no consumer replica saw an event twice.
    expect(await sumOver(REPLICAS.notification, 'messages_consumed_total', { outcome: 'processed' })).toBe(N);
    expect(await sumOver(REPLICAS.notification, 'messages_consumed_total', { outcome: 'duplicate' })).toBe(0);
    // The work was spread: every order replica took requests and every payment replica charged.
    for (const port of REPLICAS.order)
      expect(await counter(port, 'orders_created_total'), `order replica ${port}`).toBeGreaterThan(0);
    for (const port of REPLICAS.payment)
      expect(await counter(port, 'payments_total'), `payment replica ${port}`).toBeGreaterThan(0);
  });

  it('loses nothing when an order replica is killed (SIGKILL) mid-load, with clients retrying on the same Idempotency-Key', async () => {
    const N = 90;
    const victim = REPLICAS.order[1]!;
    const survivors = REPLICAS.order.filter((p) => p !== victim);
    const publishedBefore = await sumOver(survivors, 'outbox_events_published_total');
    let killed = false;
    const results = await load('kill', N, 6, (done) => {
      if (!killed && done >= 20) {
        killed = true;
        processes.get(`order-${victim}`)!.kill('SIGKILL');
      }
    });
    expect(killed).toBe(true);
    expect(processes.get(`order-${victim}`)!.signalCode).toBe('SIGKILL');
    const total = settled.orders + N;
    expect(results.filter((r) => r.status === 'paid')).toHaveLength(N);
    expect(new Set(results.map((r) => r.id)).size).toBe(N);

    // One order and one charge per key, retries included.
    expect(await count('order', 'SELECT COUNT(*) AS n FROM orders')).toBe(total);
    expect(await count('payment', 'SELECT COUNT(*) AS n FROM payments')).toBe(total);
    // Every event published (what the dead replica had claimed, once its lease ran out) and notified once.
    await eventually(
      async () => (await count('order', 'SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL')) === 0,
      30_000,
      'every outbox event published',
    );
    await eventually(
      async () => (await count('notification', 'SELECT COUNT(*) AS n FROM notifications')) === total,
      30_000,
      `${total} notifications`,
    );
    expect(await count('notification', 'SELECT COUNT(DISTINCT event_id) AS n FROM notifications')).toBe(total);
    expect(await count('order', "SELECT COUNT(*) AS n FROM orders WHERE status = 'pending'")).toBe(0);
    // The survivors published the rest; at most the one event the victim had sent but not yet marked
    // is sent twice, and the consumer drops it.
    const publishedBySurvivors = (await sumOver(survivors, 'outbox_events_published_total')) - publishedBefore;
    expect(publishedBySurvivors).toBeGreaterThan(0);
    expect(publishedBySurvivors).toBeLessThanOrEqual(N);
    expect(
      await sumOver(REPLICAS.notification, 'messages_consumed_total', { outcome: 'duplicate' }),
    ).toBeLessThanOrEqual(1);
  });
});
