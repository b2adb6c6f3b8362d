// State shared by the Node engine's runner and the k6 shims it maps `k6`,
// `k6/http`, `k6/metrics` and `k6/execution` to. One module instance per
// process (the shims import it by the same URL), so the script's checks,
// requests and custom metrics land in the run's metric store.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics } from './metrics.js';

/** Per iteration: `{ vu, scenario, iteration, signal }` — what k6 keeps per VU runtime. */
export const context = new AsyncLocalStorage();

export const state = {
  metrics: new Metrics(),
  /** Checks by name, in first-seen order, for the summary. */
  checks: new Map(),
  /** Set when the script calls exec.test.abort() or a threshold aborts the run. */
  abort: undefined,
  onAbort: () => {},
  /** The phase code runs in: init, setup, vu (default/exec functions), teardown. */
  phase: 'init',
  testStart: 0,
  iterationsInTest: 0,
};

export function reset() {
  state.metrics = new Metrics();
  state.checks = new Map();
  state.abort = undefined;
  state.phase = 'init';
  state.testStart = performance.now();
  state.iterationsInTest = 0;
}

/** Tags every sample carries from where it was taken (scenario, group). */
export function contextTags() {
  const store = context.getStore();
  if (store?.scenario) return { scenario: store.scenario.name };
  if (state.phase === 'setup' || state.phase === 'teardown') return { group: `::${state.phase}` };
  return {};
}

export function recordCheck(name, ok, tags = {}) {
  const entry = state.checks.get(name) ?? { name, path: `::${name}`, passes: 0, fails: 0 };
  if (ok) entry.passes++;
  else entry.fails++;
  state.checks.set(name, entry);
  state.metrics.add('checks', ok ? 1 : 0, { ...contextTags(), check: name, ...tags });
}

export function abortTest(reason) {
  if (state.abort) return;
  state.abort = reason;
  state.onAbort(reason);
}
