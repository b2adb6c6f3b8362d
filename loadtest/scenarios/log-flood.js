// log-flood: a chatty debug log left on: each order writes dozens of large log lines.
//   npm run load -- scenarios/log-flood [--duration 2m] [-e FAULT_PARAMS='{"linesPerRequest":…}']
//   k6 run loadtest/scenarios/log-flood.js
import { faultScenario } from '../lib/scenario.js';

export const { options, setup, orders, teardown } = faultScenario('log-flood', { rate: 6 });
