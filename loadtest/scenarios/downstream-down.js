// downstream-down: payment is unreachable from order: orders answered 503 with the pending order, the circuit opens.
//   npm run load -- scenarios/downstream-down [--duration 2m] [-e FAULT_PARAMS='{"probability":…}']
//   k6 run loadtest/scenarios/downstream-down.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('downstream-down', { rate: 4 });
