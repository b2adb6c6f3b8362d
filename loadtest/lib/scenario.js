// One catalogue scenario as a k6 script: loadtest/scenarios/<name>.js is a few lines over this.
// setup() switches the fault on in every service of its entry through their admin API
// (./faults.js), the load runs, teardown() switches it off again — also after Ctrl+C or an
// aborted run. FAULT=off drives the same load with the fault left alone (a baseline).
import { duration, faultParams, rate, testTags, vus } from './config.js';
import { pause, run } from './engine.js';
import { findScenario, switchOff, switchOn } from './faults.js';
import { browseHistory, placeOrder, seedHistory } from './flows.js';
import { findabilityThresholds } from './slo.js';

/**
 * The script's exports: `{ options, setup, orders, history, teardown }`.
 * - `catalogue`: libs/faults' SCENARIOS, imported by the script itself (k6 resolves it from there);
 * - `rate` orders/s for the run, or from `rate` climbing to `to`; a pool of up to `maxVUs` × the rate;
 * - `order`: one iteration of the orders (default: an order, its 502/503/504 answers expected);
 * - `history`: `{ vus, include, pause, seed }` readers of the heavy buyers' order history, their
 *   pages filled at setup when `seed`;
 * - `ready(data, off)`: what setup waits for once the fault is on (`off()` switches it off);
 * - `endpoints`: whose latency the summary lists.
 */
export function faultScenario(catalogue, name, { rate: perSecond, to, maxVUs = 4, order, history, ready, setupTimeout, endpoints = ['create_order', 'get_order'] }) {
  const entry = findScenario(catalogue, name);
  const start = rate(perSecond);
  const arrivals = to ? { executor: 'ramping-arrival-rate', startRate: start, stages: [{ duration: duration('2m'), target: rate(to) }] } : { executor: 'constant-arrival-rate', rate: start, duration: duration('2m') };
  const scenarios = { orders: { ...arrivals, timeUnit: '1s', preAllocatedVUs: start, maxVUs: start * maxVUs, gracefulStop: '15s', exec: 'orders' } };
  if (history) scenarios.history = { executor: 'constant-vus', vus: vus(history.vus), duration: duration('2m'), gracefulStop: '15s', exec: 'history' };
  const off = () => run(switchOff, entry);
  return {
    // Seeding places 100 orders one after another: past k6's 60 s default when the services are slow.
    options: { tags: testTags(name), setupTimeout: setupTimeout ?? (history?.seed ? '5m' : '60s'), scenarios, thresholds: findabilityThresholds(endpoints) },
    async setup() {
      if (history?.seed) await seedHistory(); // before the fault slows things down
      const data = await run(switchOn, entry, faultParams());
      if (ready && !data.skipped) await ready(data, off);
      return data;
    },
    orders: order ?? (() => placeOrder({ degraded: true })),
    async history() {
      await browseHistory({ include: history.include });
      await pause(history.pause);
    },
    teardown: off,
  };
}
