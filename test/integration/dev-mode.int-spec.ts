import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
import { Stack, eventually } from './support/stack.js';

/**
 * The Docker-less adapters `npm run dev` picks when DATABASE_URL and
 * RABBITMQ_URL are unset — SQLite files and the broker-less TCP transport —
 * with the four services as real processes.
 */
describe('the services on their embedded defaults (npm run dev)', () => {
  let stack: Stack;

  const notificationsFor = async (orderId: string) =>
    ((await (await fetch(`${stack.urls.gateway}/api/notifications?orderId=${orderId}`)).json()) as { data: unknown[] }).data;
  const place = async () => {
    const res = await fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER),
    });
    return { status: res.status, body: (await res.json()) as { id: string; status: string } };
  };

  beforeAll(async () => {
    stack = new Stack({ basePort: 23200 });
    await stack.startAll();
  });
  afterAll(() => stack.stopAll());

  it('places a paid order and shows its notification', async () => {
    const { status, body } = await place();
    expect(status).toBe(201);
    expect(body.status).toBe('paid');
    await eventually(async () => (await notificationsFor(body.id)).length === 1, 10_000, 'the notification');
  });

  it('keeps events in the outbox while the notification service is down and delivers them when it is back', async () => {
    expect(await stack.stop('notification')).toBe(0);
    const { status, body } = await place();
    expect(status).toBe(201);
    await sleep(1_000);
    await stack.start('notification');
    await eventually(async () => (await notificationsFor(body.id)).length === 1, 15_000, 'the delayed notification');
    await sleep(500);
    expect(await notificationsFor(body.id)).toHaveLength(1);
  });
});
