// Settings every script reads from __ENV (-e NAME=value, under both engines), with their defaults:
// the table in loadtest/README.md. A short CI run is the same script with other knobs.
const env = typeof __ENV === 'object' && __ENV ? __ENV : {};
const url = (value, fallback) => (value || fallback).replace(/\/+$/, '');

export const GATEWAY_URL = url(env.GATEWAY_URL, 'http://127.0.0.1:3000');

/** The admin API of each service (scenario scripts). */
export const SERVICE_URLS = {
  gateway: GATEWAY_URL,
  order: url(env.ORDER_URL, 'http://127.0.0.1:3001'),
  payment: url(env.PAYMENT_URL, 'http://127.0.0.1:3002'),
  notification: url(env.NOTIFICATION_URL, 'http://127.0.0.1:3003'),
};

/** The same default token as scripts/fault.mjs, scripts/dev.mjs and .env. */
export const ADMIN_TOKEN = env.ADMIN_TOKEN || 'workshop-admin-token';

/** A number > 0 from __ENV, or undefined. */
function positive(name) {
  if (env[name] === undefined || env[name] === '') return undefined;
  const n = Number(env[name]);
  if (!(n > 0)) throw new Error(`${name} must be a number > 0 (got "${env[name]}")`);
  return n;
}

const SCALE = positive('LOAD_SCALE') ?? 1;

/** A rate or VU count scaled by LOAD_SCALE, at least `min` (k6 takes only whole numbers). */
export const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE));

/** How long the main load runs: LOAD_DURATION, else the script's default. */
export const duration = (fallback) => env.LOAD_DURATION || fallback;

const knob = (name) => (fallback) => Math.max(1, Math.round(positive(name) ?? scaled(fallback)));
/** The main arrival rate (per second): LOAD_RATE, else the default scaled. */
export const rate = knob('LOAD_RATE');
/** The VU count: LOAD_VUS, else the default scaled. */
export const vus = knob('LOAD_VUS');

const seconds = (text) => {
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) throw new Error(`invalid duration "${text}"`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit], 0);
};

/** k6 stages from `[seconds, target]` pairs, squeezed or stretched to add up to LOAD_DURATION when it is set (the shape kept). */
export function shape(stages) {
  const factor = env.LOAD_DURATION ? seconds(env.LOAD_DURATION) / stages.reduce((sum, [s]) => sum + s, 0) : 1;
  return stages.map(([s, target]) => ({ duration: `${Math.max(0.1, Math.round(s * factor * 10) / 10)}s`, target }));
}

/**
 * A script's `options.tags`: `testid` on every sample — TESTID, else the script's name — so two
 * runs remote-writing to one Prometheus never write the same series (Prometheus refuses
 * another writer's older samples, whole requests at a time).
 */
export const testTags = (id) => ({ testid: env.TESTID || id });

/** False when FAULT=off: a scenario script then drives its load with the fault left as it is (a baseline). */
export const SWITCH_FAULT = env.FAULT !== 'off';

/** JSON parameters for a scenario's fault (FAULT_PARAMS), or {} for the catalogue's defaults. */
export function faultParams() {
  const params = JSON.parse(env.FAULT_PARAMS || '{}');
  if (!params || typeof params !== 'object' || Array.isArray(params))
    throw new Error('FAULT_PARAMS must be a JSON object');
  return params;
}
