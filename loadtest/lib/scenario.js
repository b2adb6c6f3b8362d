// One catalogue scenario as a k6 script: loadtest/scenarios/<name>.js is a few lines over this.
// setup() switches the fault on in every service of its entry through their admin API
// (./faults.js), the load runs, teardown() switches it off again — also after Ctrl+C or an
// aborted run. FAULT=off drives the same load with the fault left alone (a baseline).
import { SCENARIOS } from '../../libs/faults/src/catalogue.ts';
import { duration, faultParams, rate, testTags, vus } from './config.js';
import { pause, run } from './engine.js';
import { switchOff, switchOn } from './faults.js';
import { browseHistory, placeOrder, seedHistory } from './flows.js';

/**
 * The script's exports `{ options, setup, orders, history, teardown }` for the catalogue entry `name`
 * (libs/faults/src/catalogue.ts, no copy of the list). `rate` orders/s, or climbing to `to`,
 * with up to `maxVUs` × the rate; `order`: one such iteration (default: an order, 502/503/504 expected);
 * `history`: `{ vus, include, pause, seed }` readers of the heavy buyers' history, seeded at setup when
 * `seed`; `ready(data, off)`: what setup waits for once the fault is on; `endpoints`: latencies listed.
 */
export function faultScenario(
  name,
  { rate: perSecond, to, maxVUs = 4, order, history, ready, setupTimeout, endpoints = ['create_order', 'get_order'] },
) {
  const entry = SCENARIOS.find((s) => s.name === name);
  if (!entry) throw new Error(`scenario "${name}" is not in libs/faults/src/catalogue.ts`);
  const start = rate(perSecond);
  const arrivals = to
    ? { executor: 'ramping-arrival-rate', startRate: start, stages: [{ duration: duration('2m'), target: rate(to) }] }
    : { executor: 'constant-arrival-rate', rate: start, duration: duration('2m') };
  const scenarios = {
    orders: {
      ...arrivals,
      timeUnit: '1s',
      preAllocatedVUs: start,
      maxVUs: start * maxVUs,
      gracefulStop: '15s',
      exec: 'orders',
    },
  };
  if (history)
    scenarios.history = {
      executor: 'constant-vus',
      vus: vus(history.vus),
      duration: duration('2m'),
      gracefulStop: '15s',
      exec: 'history',
    };
  // Gates only on what must still hold while a fault is on: its own 502/503/504 answers are expected (see
  // flows.js), so http_req_failed counts undocumented failures; the checks, that the answers stay correct.
  // `max>=0` always holds: it makes k6 (and the Node engine) list each endpoint's latency in the summary.
  const thresholds = {
    http_req_failed: ['rate<0.1'],
    checks: ['rate>0.9'],
    ...Object.fromEntries(endpoints.map((e) => [`http_req_duration{endpoint:${e}}`, ['max>=0']])),
  };
  const off = () => run(switchOff, entry);
  return {
    // Seeding places 100 orders one after another: past k6's 60 s default when the services are slow.
    options: {
      tags: testTags(name),
      setupTimeout: setupTimeout ?? (history?.seed ? '5m' : '60s'),
      scenarios,
      thresholds,
    },
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
