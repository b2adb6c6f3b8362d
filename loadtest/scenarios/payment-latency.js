// payment-latency: the card provider became slow: every order waits on it.
//   npm run load -- scenarios/payment-latency [--duration 2m] [-e FAULT_PARAMS='{"latencyMs":…}']
//   k6 run loadtest/scenarios/payment-latency.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('payment-latency', {
  rate: 4,
  maxVUs: 10,
});
