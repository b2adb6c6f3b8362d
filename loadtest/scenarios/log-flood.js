// log-flood: a chatty debug log left on.
// Switches the fault on in order at setup (admin API), drives a steady order rate (each order writes dozens of large log lines),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"linesPerRequest":…}').
//
//   npm run load -- scenarios/log-flood [--duration 2m]
//   k6 run loadtest/scenarios/log-flood.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'log-flood');

export const options = {
  tags: testTags('log-flood'),
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: rate(6),
      timeUnit: '1s',
      duration: duration('2m'),
      preAllocatedVUs: rate(6),
      maxVUs: rate(6) * 4,
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
