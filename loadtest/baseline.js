// baseline: steady, realistic traffic at a fixed arrival rate — shoppers placing orders, reading them
// back, browsing their history — and a regular reading a long history. Gates on the SLOs. docker
// compose runs it in the background at LOAD_RATE=2 so every dashboard has data.
//   npm run load -- baseline [--rate 5] [--duration 5m]        k6 run -e LOAD_RATE=5 loadtest/baseline.js
import { duration, rate, scaled, testTags } from './lib/config.js';
import { chance } from './lib/data.js';
import { pause } from './lib/engine.js';
import { browseHistory, shopper } from './lib/flows.js';
import { sloThresholds } from './lib/slo.js';

const RATE = rate(5);

export const options = {
  tags: testTags('baseline'),
  scenarios: {
    shoppers: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: duration('5m'),
      preAllocatedVUs: Math.max(2, RATE * 2),
      maxVUs: Math.max(10, RATE * 10),
      gracefulStop: '10s',
      exec: 'shoppers',
    },
    regulars: {
      executor: 'constant-vus',
      vus: scaled(1),
      duration: duration('5m'),
      gracefulStop: '10s',
      exec: 'regulars',
    },
  },
  thresholds: sloThresholds([
    'create_order',
    'get_order',
    'list_orders',
    'list_orders_with_notifications',
    'get_notifications',
  ]),
};

export const shoppers = shopper;

/** A regular customer looking at their (long) order history every couple of seconds. */
export async function regulars() {
  await browseHistory({ include: chance(0.3) });
  await pause(2);
}
