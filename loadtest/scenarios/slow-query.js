// slow-query: a query that cannot use its index. Once the fault is on, setup waits until order has
// seeded the orders table with its past orders (about 20 s per million rows; 1,000,000 by default);
// then 1 order/s (each runs the duplicate check, a Seq Scan that normalises every customer id: about
// a second of one core at 1,000,000 rows) and, for contrast, one reader of order history (unaffected,
// indexed). The seeded rows stay after teardown.
//   npm run load -- scenarios/slow-query [--duration 2m] [-e FAULT_PARAMS='{"rows":…}']
//   k6 run loadtest/scenarios/slow-query.js
import { check } from 'k6';
import { SERVICE_URLS } from '../lib/config.js';
import { pause, request } from '../lib/engine.js';
import { faultScenario } from '../lib/scenario.js';

/** How long setup waits for the seeding (3,000,000 rows, the maximum, on a slow laptop), within setupTimeout. */
const SEED_WAIT_SECONDS = 170;

export const { options, setup, orders, history, teardown } = faultScenario('slow-query', {
  rate: 1,
  maxVUs: 6,
  history: { vus: 1, pause: 1 },
  endpoints: ['create_order', 'list_orders'],
  setupTimeout: '180s',
  ready: pastOrdersSeeded,
});

/** Waits for the last seeded order: order inserts them in one statement. Ids as in apps/order/src/orders/past-orders.ts. */
async function pastOrdersSeeded({ params: { rows } }, off) {
  const id = `00000000-0000-4000-8000-${Math.round(rows).toString(16).padStart(12, '0')}`;
  for (let waited = 0; waited <= SEED_WAIT_SECONDS; waited++) {
    const res = await request({
      method: 'GET',
      url: `${SERVICE_URLS.order}/orders/${id}`,
      tags: { endpoint: 'seed_wait' },
      expect: [200, 404],
      timeout: '10s',
    });
    check(res, { 'seed_wait: 200, or 404 while order seeds': (r) => r.status === 200 || r.status === 404 });
    if (res.status === 200) return;
    await pause(1);
  }
  check(null, { [`slow-query: ${rows} past orders seeded within ${SEED_WAIT_SECONDS} s`]: () => false });
  await off(); // k6 runs no teardown after a failed setup
  throw new Error(`order has not seeded its ${rows} past orders after ${SEED_WAIT_SECONDS} s (see its log)`);
}
