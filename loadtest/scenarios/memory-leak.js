// memory-leak: notification keeps every message in memory.
// Switches the fault on in notification at setup (admin API), drives a steady order rate (each notification retains memory),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"retainKiB":…}').
//
//   npm run load -- scenarios/memory-leak [--duration 2m]
//   k6 run loadtest/scenarios/memory-leak.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'memory-leak');

export const options = {
  tags: testTags('memory-leak'),
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: rate(8),
      timeUnit: '1s',
      duration: duration('2m'),
      preAllocatedVUs: rate(8),
      maxVUs: rate(8) * 4,
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
