// State shared by the Node engine's runner and the k6 shims it maps `k6`, `k6/http` and
// `k6/metrics` to. One module instance per process (the shims import it by the same URL), so
// the script's checks, requests and custom metrics land in the run's metric store.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics } from './metrics.js';

/** Per iteration, setup or teardown: `{ scenario, signal }`; the signal aborts its requests once it is cut off. */
export const context = new AsyncLocalStorage();

export const state = {};

/** A fresh run: metrics, checks by name (first-seen order), the init phase (then setup, vu, teardown). */
export function reset() {
  Object.assign(state, { metrics: new Metrics(), checks: new Map(), phase: 'init' });
}
reset();

/** Tags a sample carries from where it was taken: its scenario, or setup's or teardown's group. */
export function contextTags() {
  const scenario = context.getStore()?.scenario;
  if (scenario) return { scenario };
  return state.phase === 'setup' || state.phase === 'teardown' ? { group: `::${state.phase}` } : {};
}

export function recordCheck(name, ok, tags = {}) {
  const entry = state.checks.get(name) ?? { name, path: `::${name}`, passes: 0, fails: 0 };
  entry[ok ? 'passes' : 'fails']++;
  state.checks.set(name, entry);
  state.metrics.add('checks', ok ? 1 : 0, { ...contextTags(), check: name, ...tags });
}
