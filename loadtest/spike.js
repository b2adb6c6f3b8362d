// spike: the arrival rate jumps tenfold for a while, then falls back. Does the system absorb it,
// and recover once it is over? Gates on the error rate and on p95 loosened to 3 s (the spike may queue).
//   npm run load -- spike [--duration 1m40s]    (the stages keep their shape)
import { rate, shape, testTags } from './lib/config.js';
import { shopper } from './lib/flows.js';
import { sloThresholds } from './lib/slo.js';

const BASE = rate(5);

export const options = {
  tags: testTags('spike'),
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: BASE,
      timeUnit: '1s',
      preAllocatedVUs: BASE * 2,
      maxVUs: BASE * 40,
      // 20 s warm at the base rate; the spike arrives over 10 s and lasts 30 s; 10 s down; 30 s of recovery.
      stages: shape([
        [20, BASE],
        [10, BASE * 10],
        [30, BASE * 10],
        [10, BASE],
        [30, BASE],
      ]),
      gracefulStop: '15s',
    },
  },
  thresholds: sloThresholds(['create_order', 'list_orders', 'get_notifications'], {
    failed: 0.02,
    checks: 0.98,
    p95: { create_order: 3000, list_orders: 3000, get_notifications: 3000 },
  }),
};

export default shopper;
