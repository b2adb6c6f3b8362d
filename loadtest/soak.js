// soak: baseline traffic for a long time (30 minutes by default). Slow leaks, growing queues and
// creeping latency show up here, not in five minutes — watch the Node.js runtime dashboard while
// it runs. Stops early (exit 99) if the error rate or a p95 objective is missed after 10 s.
//   npm run load -- soak [--duration 2h] [--rate 10]
import { duration, rate, testTags } from './lib/config.js';
import { shopper } from './lib/flows.js';
import { sloThresholds } from './lib/slo.js';

const RATE = rate(5);

export const options = {
  tags: testTags('soak'),
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: duration('30m'),
      preAllocatedVUs: Math.max(2, RATE * 2),
      maxVUs: Math.max(10, RATE * 10),
      gracefulStop: '10s',
    },
  },
  thresholds: sloThresholds(['create_order', 'get_order', 'list_orders'], { abort: true }),
};

export default shopper;
