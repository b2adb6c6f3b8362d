// sequential-calls: the gateway enriches orders one call at a time.
// Switches the fault on in gateway at setup (admin API), drives order-history pages with notifications for customers with many orders (seeded at setup) while new orders keep arriving,
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"probability":…}').
//
//   npm run load -- scenarios/sequential-calls [--duration 2m]
//   k6 run loadtest/scenarios/sequential-calls.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, vus, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { browseHistory, placeOrder, seedHistory } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'sequential-calls');

export const options = {
  tags: testTags('sequential-calls'),
  // Seeding places 100 orders one after another: past k6's 60 s default when the services are slow.
  setupTimeout: '5m',
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: rate(2),
      timeUnit: '1s',
      duration: duration('2m'),
      preAllocatedVUs: rate(2),
      maxVUs: rate(2) * 4,
      gracefulStop: '15s',
      exec: 'orders',
    },
    history: { executor: 'constant-vus', vus: vus(3), duration: duration('2m'), gracefulStop: '15s', exec: 'history' },
  },
  // A fault is on: gate only on what must still hold (see lib/slo.js), never on its own slowness.
  thresholds: findabilityThresholds(['list_orders_with_notifications', 'create_order']),
};

export function setup() {
  return run(function* (ctx) {
    yield* seedHistory(ctx); // heavy buyers with a full page of orders, before the fault slows things down
    return yield* switchOn(ctx, SCENARIO, faultParams());
  });
}

export function orders() {
  return run(placeOrder, { degraded: true });
}

export function history() {
  return run(function* (ctx) {
    yield* browseHistory(ctx, { include: true });
    yield { sleep: 0.5 };
  });
}

export function teardown() {
  return run(switchOff, SCENARIO);
}
