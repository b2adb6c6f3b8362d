// retry-storm: short timeouts and eager retries on a slow dependency.
// Switches the fault on in order and payment at setup (admin API), drives orders (each payment call times out and is retried at once),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"timeoutMs":…}').
//
//   npm run load -- scenarios/retry-storm [--duration 2m]
//   k6 run loadtest/scenarios/retry-storm.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'retry-storm');

export const options = {
  tags: testTags('retry-storm'),
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: rate(4),
      timeUnit: '1s',
      duration: duration('2m'),
      preAllocatedVUs: rate(4),
      maxVUs: rate(4) * 6,
      gracefulStop: '15s',
      exec: 'orders',
    },
  },
  // A fault is on: gate only on what must still hold (see lib/slo.js), never on its own slowness.
  thresholds: findabilityThresholds(['create_order']),
};

export function setup() {
  return run(switchOn, SCENARIO, faultParams());
}

export function orders() {
  return run(placeOrder, { degraded: true });
}

export function teardown() {
  return run(switchOff, SCENARIO);
}
