// pool-exhaustion: too few database connections, held too long: an order rate climbing 2 → 12/s, fine at first, then waits and timeouts.
//   npm run load -- scenarios/pool-exhaustion [--duration 2m] [-e FAULT_PARAMS='{"holdMs":…}']
//   k6 run loadtest/scenarios/pool-exhaustion.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('pool-exhaustion', {
  rate: 2,
  to: 12,
  maxVUs: 30,
  endpoints: ['create_order'],
});
