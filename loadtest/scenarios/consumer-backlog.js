// consumer-backlog: the notification consumer cannot keep up.
// Switches the fault on in notification at setup (admin API), drives more orders per second than the slowed consumer handles, and shoppers looking for their confirmation,
// and switches it off at teardown. Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"delayMs":…}').
//
//   npm run load -- scenarios/consumer-backlog [--duration 2m]
//   k6 run loadtest/scenarios/consumer-backlog.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, rate, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { getNotifications, placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'consumer-backlog');

export const options = {
  tags: testTags('consumer-backlog'),
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
  thresholds: findabilityThresholds(['create_order', 'get_notifications']),
};

export function setup() {
  return run(switchOn, SCENARIO, faultParams());
}

export function orders() {
  return run(function* (ctx) {
    const order = yield* placeOrder(ctx, { degraded: true });
    if (order && Math.random() < 0.5) {
      yield { sleep: 1 };
      yield* getNotifications(ctx, order); // often still empty: the confirmation is late
    }
  });
}

export function teardown() {
  return run(switchOff, SCENARIO);
}
