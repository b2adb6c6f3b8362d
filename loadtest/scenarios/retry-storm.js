// retry-storm: short timeouts and eager retries on a slow dependency: each payment call times out and is retried at once.
//   npm run load -- scenarios/retry-storm [--duration 2m] [-e FAULT_PARAMS='{"timeoutMs":…}']
//   k6 run loadtest/scenarios/retry-storm.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('retry-storm', {
  rate: 4,
  maxVUs: 6,
  endpoints: ['create_order'],
});
