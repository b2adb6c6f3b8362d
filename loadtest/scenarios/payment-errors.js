// payment-errors: the card provider fails some requests: a share of the orders answered 502 with the pending order.
//   npm run load -- scenarios/payment-errors [--duration 2m] [-e FAULT_PARAMS='{"probability":…}']
//   k6 run loadtest/scenarios/payment-errors.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('payment-errors', { rate: 5 });
