// The k6 executors the scripts use, on Node's event loop: a VU is an async
// loop (all VUs share one thread, which is plenty for HTTP load of a few
// hundred requests per second), an iteration is one call of the scenario's
// exec function. Timing math lives in ./schedule.js.
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalOffsets, normalizeStages, parseDuration, totalDuration, vusAt } from './schedule.js';

export const EXECUTORS = ['constant-vus', 'ramping-vus', 'constant-arrival-rate', 'ramping-arrival-rate', 'shared-iterations', 'per-vu-iterations'];

const positive = (value, what) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${what} must be a number ≥ 0 (got ${value})`);
  return n;
};

/**
 * `options` → scenario list, as k6 reads it: `scenarios`, or the shortcuts
 * `stages` (ramping-vus), `iterations` (shared-iterations), `duration`
 * (constant-vus), or one iteration of one VU.
 */
export function scenariosFrom(options = {}) {
  let raw = options.scenarios;
  if (!raw || Object.keys(raw).length === 0) {
    const vus = options.vus ?? 1;
    if (options.stages) raw = { default: { executor: 'ramping-vus', startVUs: vus, stages: options.stages, gracefulRampDown: '0s' } };
    else if (options.iterations) raw = { default: { executor: 'shared-iterations', vus, iterations: options.iterations, maxDuration: options.duration ?? '10m' } };
    else if (options.duration) raw = { default: { executor: 'constant-vus', vus, duration: options.duration } };
    else raw = { default: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } };
  }
  return Object.entries(raw).map(([name, s]) => normalizeScenario(name, s));
}

export function normalizeScenario(name, s) {
  if (!EXECUTORS.includes(s.executor)) {
    throw new Error(`scenario ${name}: executor "${s.executor}" is not supported by the Node engine (it has ${EXECUTORS.join(', ')})`);
  }
  const base = {
    name,
    executor: s.executor,
    exec: s.exec ?? 'default',
    startTimeMs: parseDuration(s.startTime ?? 0),
    gracefulStopMs: parseDuration(s.gracefulStop ?? '30s'),
    env: s.env ?? {},
    tags: s.tags ?? {},
  };
  switch (s.executor) {
    case 'constant-vus':
      return { ...base, vus: positive(s.vus ?? 1, `${name}.vus`), durationMs: parseDuration(s.duration) };
    case 'ramping-vus': {
      const stages = normalizeStages(s.stages);
      return { ...base, startVUs: positive(s.startVUs ?? 1, `${name}.startVUs`), stages, durationMs: totalDuration(stages) };
    }
    case 'constant-arrival-rate': {
      const rate = positive(s.rate, `${name}.rate`);
      const durationMs = parseDuration(s.duration);
      return { ...arrival(base, s), startRate: rate, stages: [{ ms: durationMs, target: rate }], durationMs };
    }
    case 'ramping-arrival-rate': {
      const stages = normalizeStages(s.stages);
      return { ...arrival(base, s), startRate: positive(s.startRate ?? 0, `${name}.startRate`), stages, durationMs: totalDuration(stages) };
    }
    case 'shared-iterations':
    case 'per-vu-iterations':
      return {
        ...base,
        vus: positive(s.vus ?? 1, `${name}.vus`),
        iterations: positive(s.iterations ?? 1, `${name}.iterations`),
        durationMs: parseDuration(s.maxDuration ?? '10m'),
      };
  }
}

function arrival(base, s) {
  const preAllocatedVUs = positive(s.preAllocatedVUs ?? 1, `${base.name}.preAllocatedVUs`);
  return {
    ...base,
    timeUnitMs: parseDuration(s.timeUnit ?? '1s'),
    preAllocatedVUs,
    maxVUs: Math.max(preAllocatedVUs, positive(s.maxVUs ?? preAllocatedVUs, `${base.name}.maxVUs`)),
  };
}

/** The VUs a scenario may use at most (for vus_max). */
export function maxVUsOf(s) {
  switch (s.executor) {
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => st.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.maxVUs;
    default:
      return s.vus;
  }
}

/**
 * Runs one scenario to its end. `iterate(vu)` runs one iteration and never
 * rejects; `stopped()` turns true when the whole test is aborted.
 * Resolves once every started iteration has ended (or was cut off after
 * gracefulStop by `hardStop`).
 */
export async function runScenario(s, { newVU, iterate, stopped, onDropped, hardStop }) {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const inFlight = new Set();
  const track = (promise) => {
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise));
    return promise;
  };
  const running = () => !stopped() && elapsed() < s.durationMs;

  switch (s.executor) {
    case 'constant-vus':
    case 'ramping-vus': {
      const count = maxVUsOf(s);
      const loops = Array.from({ length: count }, async (_, index) => {
        const vu = newVU();
        while (running()) {
          const wanted = s.executor === 'constant-vus' ? s.vus : vusAt(s.startVUs, s.stages, elapsed());
          if (index < wanted) await track(iterate(vu));
          else await sleep(Math.min(100, Math.max(1, s.durationMs - elapsed())));
        }
      });
      await settle(Promise.all(loops), inFlight, s.durationMs - elapsed() + s.gracefulStopMs, hardStop);
      return;
    }
    case 'shared-iterations':
    case 'per-vu-iterations': {
      let left = s.executor === 'shared-iterations' ? s.iterations : Infinity;
      const loops = Array.from({ length: s.vus }, async () => {
        const vu = newVU();
        let mine = s.executor === 'per-vu-iterations' ? s.iterations : Infinity;
        while (running() && left > 0 && mine > 0) {
          left--;
          mine--;
          await track(iterate(vu));
        }
      });
      await settle(Promise.all(loops), inFlight, s.durationMs - elapsed() + s.gracefulStopMs, hardStop);
      return;
    }
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const idle = Array.from({ length: s.preAllocatedVUs }, () => newVU());
      let allocated = idle.length;
      for (const offset of arrivalOffsets(s.startRate, s.stages, s.timeUnitMs)) {
        const wait = offset - elapsed();
        if (wait > 0) await sleep(wait);
        if (!running()) break;
        let vu = idle.pop();
        if (!vu && allocated < s.maxVUs) {
          vu = newVU();
          allocated++;
        }
        if (!vu) {
          onDropped();
          continue;
        }
        track(iterate(vu)).finally(() => idle.push(vu));
      }
      await settle(Promise.resolve(), inFlight, s.gracefulStopMs, hardStop);
    }
  }
}

/** Waits for the loops and in-flight iterations; past `graceMs` (the end plus gracefulStop) cuts them off. */
async function settle(loops, inFlight, graceMs, hardStop) {
  const timer = new AbortController();
  const deadline = sleep(Math.max(0, graceMs), 'timeout', { signal: timer.signal }).catch(() => 'done');
  const done = (async () => {
    await loops;
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  })();
  if ((await Promise.race([done, deadline])) === 'timeout') {
    hardStop();
    await done;
  }
  timer.abort();
}
