// slow-query: a query that cannot use its index.
// Switches the fault on in order at setup (admin API), drives orders (each runs the slow duplicate check) and, for contrast, order-history reads (unaffected),
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"delayMs":…}').
//
//   npm run load -- scenarios/slow-query [--duration 2m]
//   k6 run loadtest/scenarios/slow-query.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, vus, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { browseHistory, placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'slow-query');

export const options = {
  tags: testTags('slow-query'),
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
    history: { executor: 'constant-vus', vus: vus(1), duration: duration('2m'), gracefulStop: '15s', exec: 'history' },
  },
  // A fault is on: gate only on what must still hold (see lib/slo.js), never on its own slowness.
  thresholds: findabilityThresholds(['create_order', 'list_orders']),
};

export function setup() {
  return run(switchOn, SCENARIO, faultParams());
}

export function orders() {
  return run(placeOrder, { degraded: true });
}

export function history() {
  return run(function* (ctx) {
    yield* browseHistory(ctx);
    yield { sleep: 1 };
  });
}

export function teardown() {
  return run(switchOff, SCENARIO);
}
