// slow-query: a query that cannot use its index.
// Switches the fault on in order at setup (admin API) and waits until order has seeded the orders
// table with its past orders (about 20 s per million rows; 1,000,000 by default), drives orders (each runs the duplicate
// check, a Seq Scan over them all) and, for contrast, order-history reads (unaffected, indexed),
// and switches it off at teardown (the seeded rows stay). Catalogue entry, evidence and fix:
// libs/faults/src/catalogue.ts; `npm run fault -- list` shows its parameters
// (override them with -e FAULT_PARAMS='{"rows":…}').
//
//   npm run load -- scenarios/slow-query [--duration 2m]
//   k6 run loadtest/scenarios/slow-query.js
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { SERVICE_URLS, duration, rate, vus, faultParams, testTags } from '../lib/config.js';
import { run } from '../lib/engine.js';
import { findScenario, switchOff, switchOn } from '../lib/faults.js';
import { browseHistory, placeOrder } from '../lib/flows.js';
import { findabilityThresholds } from '../lib/slo.js';

const SCENARIO = findScenario(SCENARIOS, 'slow-query');

/** How long setup waits for the seeding (3,000,000 rows, the maximum, on a slow laptop). */
const SEED_WAIT_SECONDS = 170;

export const options = {
  tags: testTags('slow-query'),
  setupTimeout: '180s',
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
  return run(function* (ctx) {
    const data = yield* switchOn(ctx, SCENARIO, faultParams());
    if (!data.skipped) yield* pastOrdersSeeded(ctx, data.params.rows);
    return data;
  });
}

/**
 * Waits for the last seeded order: order inserts them in one statement, so it answers
 * GET /orders/<id> once all are there. Ids as in apps/order/src/orders/past-orders.ts.
 */
function* pastOrdersSeeded(ctx, rows) {
  const id = `00000000-0000-4000-8000-${Math.round(rows).toString(16).padStart(12, '0')}`;
  for (let waited = 0; waited <= SEED_WAIT_SECONDS; waited++) {
    const res = yield { method: 'GET', url: `${SERVICE_URLS.order}/orders/${id}`, tags: { endpoint: 'seed_wait' }, expect: [200, 404], timeout: '10s' };
    if (res.status === 200) return;
    yield { sleep: 1 };
  }
  ctx.check(null, { [`slow-query: ${rows} past orders seeded within ${SEED_WAIT_SECONDS} s`]: () => false });
  // k6 runs no teardown after a failed setup: switch the fault off here.
  yield* switchOff(ctx, SCENARIO);
  throw new Error(`order has not seeded its ${rows} past orders after ${SEED_WAIT_SECONDS} s (see its log)`);
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
