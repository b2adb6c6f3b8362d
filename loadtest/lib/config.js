// Settings every script reads from __ENV (k6: the environment or -e NAME=value;
// the Node engine: the environment or `npm run load -- <script> -e NAME=value`).
// Both engines honour the same knobs, so a short CI run is the same script.
//
//   GATEWAY_URL        the public API                  http://127.0.0.1:3000
//   ORDER_URL, PAYMENT_URL, NOTIFICATION_URL            admin API of each service (scenario scripts)
//                                                      http://127.0.0.1:3001 … 3003
//   ADMIN_TOKEN        bearer token of the admin API   workshop-admin-token (as npm run dev, .env)
//   LOAD_DURATION      how long the load runs          each script's own default
//   LOAD_RATE          orders per second (arrival-rate scripts)
//   LOAD_VUS           virtual users (VU-based scripts)
//   LOAD_SCALE         multiplies every rate and VU count (0.1 = a tenth)   1
//   FAULT_PARAMS       scenario scripts: JSON parameters for the fault, e.g. {"latencyMs":800}
//   TESTID             the `testid` tag on every sample (options.tags): each script's name unless set;
//                      two runs writing to one Prometheus need different ones (compose: load, k6)
//   FAULT              scenario scripts: `off` drives the same load without switching the fault
//                      (a baseline to compare with; the findability suite uses it)

const env = typeof __ENV === 'object' && __ENV ? __ENV : {};

/** The same default token as scripts/fault.mjs, scripts/dev.mjs and .env. */
export const DEFAULT_ADMIN_TOKEN = 'workshop-admin-token';

export const GATEWAY_URL = (env.GATEWAY_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');

export const SERVICE_URLS = {
  gateway: GATEWAY_URL,
  order: (env.ORDER_URL || 'http://127.0.0.1:3001').replace(/\/+$/, ''),
  payment: (env.PAYMENT_URL || 'http://127.0.0.1:3002').replace(/\/+$/, ''),
  notification: (env.NOTIFICATION_URL || 'http://127.0.0.1:3003').replace(/\/+$/, ''),
};

export const ADMIN_TOKEN = env.ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN;

const SCALE = env.LOAD_SCALE !== undefined && env.LOAD_SCALE !== '' ? Number(env.LOAD_SCALE) : 1;
if (!(SCALE > 0)) throw new Error(`LOAD_SCALE must be a number > 0 (got "${env.LOAD_SCALE}")`);

/** A positive whole number from __ENV (k6 takes only integers for rates and VU counts), or undefined. */
const count = (name) => {
  if (env[name] === undefined || env[name] === '') return undefined;
  const n = Number(env[name]);
  if (!(n > 0)) throw new Error(`${name} must be a number > 0 (got "${env[name]}")`);
  return Math.max(1, Math.round(n));
};

/** How long the main load runs: LOAD_DURATION, else the script's default. */
export function duration(fallback) {
  return env.LOAD_DURATION || fallback;
}

/** A rate or VU count scaled by LOAD_SCALE, at least `min`. */
export function scaled(n, min = 1) {
  return Math.max(min, Math.round(n * SCALE));
}

/** The script's main arrival rate (per second): LOAD_RATE, else the default scaled. */
export function rate(fallback) {
  return count('LOAD_RATE') ?? scaled(fallback);
}

/** The script's VU count: LOAD_VUS, else the default scaled. */
export function vus(fallback) {
  return count('LOAD_VUS') ?? scaled(fallback);
}

const seconds = (text) => {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let found = false;
  for (let m = re.exec(String(text)); m; m = re.exec(String(text))) {
    total += Number(m[1]) * units[m[2]];
    found = true;
  }
  if (!found) throw new Error(`invalid duration "${text}"`);
  return total;
};

/**
 * Stages whose durations add up to LOAD_DURATION when it is set (the shape
 * kept, the time squeezed or stretched), else the stages as written.
 * Targets are scaled by LOAD_SCALE unless `scaleTargets` is false.
 */
export function shape(stages, { scaleTargets = true } = {}) {
  const total = stages.reduce((sum, s) => sum + seconds(s.duration), 0);
  const factor = env.LOAD_DURATION ? seconds(env.LOAD_DURATION) / total : 1;
  return stages.map((s) => ({
    duration: `${Math.max(0.1, Math.round(seconds(s.duration) * factor * 10) / 10)}s`,
    target: scaleTargets ? Math.round(s.target * SCALE) : s.target,
  }));
}

/**
 * A script's `options.tags`: `testid` on every sample — TESTID, else `id` (the
 * script's name) — so two k6 runs remote-writing to one Prometheus never write
 * the same series (which Prometheus refuses, whole requests at a time).
 */
export function testTags(id) {
  return { testid: env.TESTID || id };
}

/** False when FAULT=off: a scenario script then drives its load with the fault left as it is. */
export const SWITCH_FAULT = env.FAULT !== 'off';

/** JSON parameters for a scenario's fault (FAULT_PARAMS), or {} for the catalogue's defaults. */
export function faultParams() {
  if (!env.FAULT_PARAMS) return {};
  const params = JSON.parse(env.FAULT_PARAMS);
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new Error('FAULT_PARAMS must be a JSON object');
  return params;
}
