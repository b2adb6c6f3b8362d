// breakpoint: the arrival rate climbs steadily (to 200 orders/s over 10 minutes by default) until
// the system breaks: the run stops itself (exit 99) once more than 5% of requests fail or
// create_order's p95 passes 2 s. The rate reached then is the capacity of this machine. Run it alone.
//   npm run load -- breakpoint [--duration 5m] [--scale 0.5]
import { duration, scaled, testTags } from './lib/config.js';
import { shopper } from './lib/flows.js';
import { sloThresholds } from './lib/slo.js';

export const options = {
  tags: testTags('breakpoint'),
  scenarios: {
    breakpoint: {
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: scaled(10),
      maxVUs: scaled(500),
      stages: [{ duration: duration('10m'), target: scaled(200) }],
      gracefulStop: '10s',
    },
  },
  thresholds: sloThresholds(['create_order'], { failed: 0.05, checks: 0.95, p95: { create_order: 2000 }, abort: true }),
};

export default shopper;
