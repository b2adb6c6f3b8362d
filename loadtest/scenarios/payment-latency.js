// payment-latency: the card provider became slow.
// Switches the fault on in payment at setup (admin API), drives orders (every one waits on the slow provider),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"latencyMs":…}').
//
//   npm run load -- scenarios/payment-latency [--duration 2m]
//   k6 run loadtest/scenarios/payment-latency.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'payment-latency');

export const options = {
  tags: testTags('payment-latency'),
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: rate(4),
      timeUnit: '1s',
      duration: duration('2m'),
      preAllocatedVUs: rate(4),
      maxVUs: rate(4) * 10,
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
