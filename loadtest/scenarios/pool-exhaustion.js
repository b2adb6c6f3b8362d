// pool-exhaustion: too few database connections, held too long.
// Switches the fault on in order at setup (admin API), drives an order rate that climbs past what two held connections can serve (fine at first, then waits and timeouts),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"holdMs":…}').
//
//   npm run load -- scenarios/pool-exhaustion [--duration 2m]
//   k6 run loadtest/scenarios/pool-exhaustion.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'pool-exhaustion');

export const options = {
  tags: testTags('pool-exhaustion'),
  scenarios: {
    orders: {
      executor: 'ramping-arrival-rate',
      startRate: rate(2),
      timeUnit: '1s',
      stages: [{ duration: duration('2m'), target: rate(12) }],
      preAllocatedVUs: rate(2),
      maxVUs: rate(2) * 30,
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
