// The k6 executors the scripts use, on Node's event loop: a VU is an async
// loop (all VUs share one thread, which is plenty for HTTP load of a few
// hundred requests per second), an iteration is one call of the scenario's
// exec function. Timing math lives in ./schedule.js.
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalOffsets, normalizeStages, parseDuration, totalDuration, vusAt } from './schedule.js';

/** The fields each executor takes (k6 decodes a scenario strictly: any other field is an error). */
const COMMON = ['executor', 'startTime', 'gracefulStop', 'env', 'exec', 'tags'];
const FIELDS = {
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
};
export const EXECUTORS = Object.keys(FIELDS);

/** A whole number (k6's fields are integers: 2.5 VUs or a rate of 2.5 is a decode error there), at least `min`. */
const integer = (value, what, min = 0) => {
  if (!Number.isInteger(value) || value < min) throw new Error(`${what} must be a whole number ≥ ${min} (got ${JSON.stringify(value)})`);
  return value;
};

const required = (s, field, name) => {
  if (s[field] === undefined || s[field] === null) throw new Error(`scenario ${name}: ${field} is required for ${s.executor}`);
  return s[field];
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
    else if (options.iterations) raw = { default: { executor: 'shared-iterations', vus, iterations: options.iterations, ...(options.duration ? { maxDuration: options.duration } : {}) } };
    else if (options.duration) raw = { default: { executor: 'constant-vus', vus, duration: options.duration } };
    else raw = { default: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } };
  }
  return Object.entries(raw).map(([name, s]) => normalizeScenario(name, s));
}

/** One scenario, checked as k6 checks it (unknown fields, missing or invalid values refused), with its durations in ms. */
export function normalizeScenario(name, s) {
  if (!/^[0-9A-Za-z_-]+$/.test(name)) throw new Error(`scenario "${name}": a name has only letters, digits, _ and -`);
  if (!s || typeof s !== 'object') throw new Error(`scenario ${name}: not an object`);
  if (!FIELDS[s.executor]) {
    throw new Error(`scenario ${name}: executor "${s.executor}" is not supported by the Node engine (it has ${EXECUTORS.join(', ')})`);
  }
  const unknown = Object.keys(s).filter((k) => !COMMON.includes(k) && !FIELDS[s.executor].includes(k));
  if (unknown.length) {
    const hint = unknown.includes('options') ? ' (scenario options are for the browser module, which the Node engine has not)' : '';
    throw new Error(`scenario ${name}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} for ${s.executor}${hint}; k6 refuses them too`);
  }
  if (s.exec !== undefined && (typeof s.exec !== 'string' || !s.exec)) throw new Error(`scenario ${name}: exec must be a function name`);
  const at = (field) => `scenario ${name}: ${field}`;
  const base = {
    name,
    executor: s.executor,
    exec: s.exec ?? 'default',
    startTimeMs: parseDuration(s.startTime ?? 0, at('startTime')),
    gracefulStopMs: parseDuration(s.gracefulStop ?? '30s', at('gracefulStop')),
    env: s.env ?? {},
    tags: s.tags ?? {},
  };
  const atLeastOneSecond = (field) => {
    const ms = parseDuration(required(s, field, name), at(field));
    if (ms < 1000) throw new Error(`${at(field)} must be at least 1s (got ${JSON.stringify(s[field])}), as in k6`);
    return ms;
  };
  switch (s.executor) {
    case 'constant-vus':
      return { ...base, vus: integer(s.vus ?? 1, at('vus'), 1), durationMs: atLeastOneSecond('duration') };
    case 'ramping-vus': {
      const stages = stagesOf(s, name);
      const startVUs = integer(s.startVUs ?? 1, at('startVUs'));
      if (startVUs === 0 && stages.every((st) => st.target === 0)) throw new Error(`scenario ${name}: startVUs or one stage target must be > 0`);
      if (s.gracefulRampDown !== undefined) parseDuration(s.gracefulRampDown, at('gracefulRampDown'));
      return { ...base, startVUs, stages, durationMs: totalDuration(stages) };
    }
    case 'constant-arrival-rate': {
      const rate = integer(required(s, 'rate', name), at('rate'), 1);
      const durationMs = atLeastOneSecond('duration');
      return { ...arrival(base, s), startRate: rate, stages: [{ ms: durationMs, target: rate }], durationMs };
    }
    case 'ramping-arrival-rate': {
      const stages = stagesOf(s, name);
      return { ...arrival(base, s), startRate: integer(s.startRate ?? 0, at('startRate')), stages, durationMs: totalDuration(stages) };
    }
    case 'shared-iterations':
    case 'per-vu-iterations': {
      const vus = integer(s.vus ?? 1, at('vus'), 1);
      const iterations = integer(s.iterations ?? 1, at('iterations'), 1);
      if (s.executor === 'shared-iterations' && vus > iterations) throw new Error(`scenario ${name}: more VUs (${vus}) than iterations (${iterations})`);
      return { ...base, vus, iterations, durationMs: parseDuration(s.maxDuration ?? '10m', at('maxDuration')) };
    }
  }
}

function stagesOf(s, name) {
  const stages = required(s, 'stages', name);
  if (!Array.isArray(stages) || stages.length === 0) throw new Error(`scenario ${name}: at least one stage has to be specified`);
  stages.forEach((stage, i) => {
    const unknown = Object.keys(stage ?? {}).filter((k) => k !== 'duration' && k !== 'target');
    if (unknown.length) throw new Error(`scenario ${name}: stage ${i} has unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
    if (stage.duration === undefined) throw new Error(`scenario ${name}: stage ${i} doesn't have a duration`);
    integer(stage.target, `scenario ${name}: stage ${i} target`);
  });
  return normalizeStages(stages);
}

function arrival(base, s) {
  const at = (field) => `scenario ${base.name}: ${field}`;
  const preAllocatedVUs = integer(required(s, 'preAllocatedVUs', base.name), at('preAllocatedVUs'));
  const maxVUs = integer(s.maxVUs ?? preAllocatedVUs, at('maxVUs'));
  if (maxVUs < preAllocatedVUs) throw new Error(`${at('maxVUs')} can't be less than preAllocatedVUs`);
  const timeUnitMs = parseDuration(s.timeUnit ?? '1s', at('timeUnit'));
  if (!(timeUnitMs > 0)) throw new Error(`${at('timeUnit')} must be more than 0`);
  return { ...base, timeUnitMs, preAllocatedVUs, maxVUs };
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
