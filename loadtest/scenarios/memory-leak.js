// memory-leak: notification keeps every message in memory: each notification retains some (watch RSS).
//   npm run load -- scenarios/memory-leak [--duration 2m] [-e FAULT_PARAMS='{"retainKiB":…}']
//   k6 run loadtest/scenarios/memory-leak.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('memory-leak', {
  rate: 8,
  endpoints: ['create_order'],
});
