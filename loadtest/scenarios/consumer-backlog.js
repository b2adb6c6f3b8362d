// consumer-backlog: the notification consumer cannot keep up: 6 orders/s, more than the slowed
// consumer handles, and half the shoppers look for their confirmation a second later.
//   npm run load -- scenarios/consumer-backlog [--duration 2m] [-e FAULT_PARAMS='{"delayMs":…}']
//   k6 run loadtest/scenarios/consumer-backlog.js
import { chance } from '../lib/data.js';
import { pause } from '../lib/engine.js';
import { getNotifications, placeOrder } from '../lib/flows.js';
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('consumer-backlog', {
  rate: 6,
  endpoints: ['create_order', 'get_notifications'],
  async order() {
    const order = await placeOrder({ degraded: true });
    if (!order || !chance(0.5)) return;
    await pause(1);
    await getNotifications(order); // often still empty: the confirmation is late
  },
});
