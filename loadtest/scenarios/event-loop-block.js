// event-loop-block: a synchronous fraud score blocks payment's event loop: an order rate climbing 2 → 10/s, worse with more users.
//   npm run load -- scenarios/event-loop-block [--duration 2m] [-e FAULT_PARAMS='{"blockMs":…}']
//   k6 run loadtest/scenarios/event-loop-block.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('event-loop-block', {
  rate: 2,
  to: 10,
  maxVUs: 20,
});
