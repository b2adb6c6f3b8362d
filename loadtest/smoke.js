// smoke: one virtual user walks every endpoint for a short while: an order (every third one declined),
// its idempotent replay, reading it back, the history with and without notifications, its
// notifications, and two client mistakes. Any failure fails the run.
//   npm run load -- smoke            k6 run loadtest/smoke.js
import { duration, testTags, vus } from './lib/config.js';
import { newOrder } from './lib/data.js';
import { pause } from './lib/engine.js';
import { clientMistakes, getNotifications, getOrder, listOrders, placeOrder } from './lib/flows.js';
import { sloThresholds } from './lib/slo.js';

const ENDPOINTS = [
  'create_order',
  'create_order_replay',
  'get_order',
  'list_orders',
  'list_orders_with_notifications',
  'get_notifications',
];

export const options = {
  tags: testTags('smoke'),
  scenarios: { smoke: { executor: 'constant-vus', vus: vus(1), duration: duration('30s'), gracefulStop: '10s' } },
  thresholds: {
    ...sloThresholds(ENDPOINTS),
    // Every endpoint of the walk was called (a p95 of no requests passes), and every check passed.
    ...Object.fromEntries(
      [...ENDPOINTS, 'create_order_invalid', 'get_order_unknown'].map((e) => [`http_reqs{endpoint:${e}}`, ['count>0']]),
    ),
    checks: ['rate==1'],
  },
};

let walks = 0;

export default async function () {
  walks++;
  const order = await placeOrder({
    order: newOrder({ declined: walks % 3 === 0 }),
    keyShare: 1,
    retryShare: 1,
    readBackShare: 0,
  });
  if (order) {
    await getOrder(order);
    await listOrders({ customer: order.customerId });
    await listOrders({ customer: order.customerId, include: true });
    await getNotifications(order);
  }
  await clientMistakes();
  await pause(0.5);
}
