// event-loop-block: a synchronous fraud score blocks the event loop.
// Switches the fault on in payment at setup (admin API), drives a climbing order rate (each payment blocks the loop; more users, worse),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"blockMs":…}').
//
//   npm run load -- scenarios/event-loop-block [--duration 2m]
//   k6 run loadtest/scenarios/event-loop-block.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'event-loop-block');

export const options = {
  tags: testTags('event-loop-block'),
  scenarios: {
    orders: {
      executor: 'ramping-arrival-rate',
      startRate: rate(2),
      timeUnit: '1s',
      stages: [{ duration: duration('2m'), target: rate(10) }],
      preAllocatedVUs: rate(2),
      maxVUs: rate(2) * 20,
      gracefulStop: '15s',
      exec: 'orders',
    },
  },
  // A fault is on: gate only on what must still hold (see lib/slo.js), never on its own slowness.
  thresholds: findabilityThresholds(['create_order', 'get_order']),
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
