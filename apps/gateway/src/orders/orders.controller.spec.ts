import type { DownstreamClient, DownstreamRequest } from '@app/common';
import { FaultRegistry, resolveFault } from '@app/faults';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { OrdersController } from './orders.controller.js';

const page = { data: [{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }], nextCursor: null };

/** Stand-ins for the two downstream services that record how many notification calls overlap. */
function fakes() {
  const seen = { inFlight: 0, max: 0 };
  const order = { request: async () => ({ status: 200, body: page, headers: new Headers() }) };
  const notification = {
    request: async (req: DownstreamRequest) => {
      seen.max = Math.max(seen.max, ++seen.inFlight);
      await sleep(10);
      seen.inFlight--;
      return { status: 200, body: { data: [{ orderId: req.query?.orderId }] }, headers: new Headers() };
    },
  };
  return {
    seen,
    order: order as unknown as DownstreamClient,
    notification: notification as unknown as DownstreamClient,
  };
}

describe('OrdersController.list with include=notifications', () => {
  const registry = new FaultRegistry('gateway');
  afterEach(() => registry.set([], null));

  it('fetches the notifications of every order on the page at the same time', async () => {
    const { seen, order, notification } = fakes();
    const result = await new OrdersController(order, notification, registry).list({ include: 'notifications' });
    expect(result.data.map((o) => (o as { notifications: unknown[] }).notifications)).toEqual([
      [{ orderId: 'o1' }],
      [{ orderId: 'o2' }],
      [{ orderId: 'o3' }],
    ]);
    expect(seen.max).toBe(3);
  });

  it('fetches them one after another under the sequential-calls fault, with the same result', async () => {
    registry.set([resolveFault('gateway', 'sequential-calls')], null);
    const { seen, order, notification } = fakes();
    const result = await new OrdersController(order, notification, registry).list({ include: 'notifications' });
    expect(result.data).toHaveLength(3);
    expect(seen.max).toBe(1);
  });
});
