// n-plus-one: order items loaded one query per order: 3 readers of the heavy buyers' order history (a full page of 20 each, seeded at setup) while 2 orders/s arrive.
//   npm run load -- scenarios/n-plus-one [--duration 2m] [-e FAULT_PARAMS='{"probability":…}']
//   k6 run loadtest/scenarios/n-plus-one.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, history, teardown } = faultScenario('n-plus-one', {
  rate: 2,
  history: { vus: 3, pause: 0.5, seed: true },
  endpoints: ['list_orders', 'create_order'],
});
