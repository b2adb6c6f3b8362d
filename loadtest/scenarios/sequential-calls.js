// sequential-calls: the gateway enriches orders one call at a time: 3 readers of the heavy buyers' history with notifications (seeded at setup) while 2 orders/s arrive.
//   npm run load -- scenarios/sequential-calls [--duration 2m] [-e FAULT_PARAMS='{"probability":…}']
//   k6 run loadtest/scenarios/sequential-calls.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, history, teardown } = faultScenario('sequential-calls', {
  rate: 2,
  history: { vus: 3, pause: 0.5, seed: true, include: true },
  endpoints: ['list_orders_with_notifications', 'create_order'],
});
