// The Node engine: runs a k6 script file (options, setup, default or the
// scenarios' exec functions, teardown, thresholds) with the k6 built-in
// modules mapped to ./shims. The subset of k6 it implements is listed in
// loadtest/README.md; anything else fails loudly rather than being ignored.
//
//   import { runScript } from './loadtest/runner/index.js';
//   const { exitCode } = await runScript('loadtest/smoke.js', { env: { LOAD_DURATION: '10s' } });
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { maxVUsOf, runScenario, scenariosFrom } from './executors.js';
import { checkOptions } from './options.js';
import { abortTest, context, reset, state } from './runtime.js';
import { parseDuration } from './schedule.js';
import { summaryData, textSummary } from './summary.js';
import { checkAggregation, holds, normalizeThresholds } from './thresholds.js';

/** k6's exit codes for the cases the Node engine can meet. */
export const EXIT = { ok: 0, thresholdsFailed: 99, setupTimeout: 100, teardownTimeout: 101, invalidConfig: 104, externalAbort: 105, scriptException: 107 };

let hooksRegistered = false;

function registerHooks() {
  if (hooksRegistered) return;
  register(new URL('./hooks.js', import.meta.url));
  hooksRegistered = true;
}

/** __ENV, __VU and __ITER as k6 defines them; the last two per iteration (async context), 0 outside one. */
function defineGlobals(env) {
  globalThis.__ENV = env;
  Object.defineProperty(globalThis, '__VU', { configurable: true, get: () => context.getStore()?.vu.id ?? 0 });
  Object.defineProperty(globalThis, '__ITER', { configurable: true, get: () => context.getStore()?.vu.iterations ?? 0 });
}

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function evaluate(thresholds, elapsedSeconds) {
  return thresholds.map((t) => {
    const metric = state.metrics.get(t.selector);
    const value = metric.sink.aggregate(t.aggregation, elapsedSeconds);
    return { ...t, value, ok: holds(t, value) };
  });
}

class PhaseTimeout extends Error {}

/**
 * Runs setup() or teardown() with k6's time limit (setupTimeout, teardownTimeout: 60 s
 * unless the options say otherwise). Past it, its requests are cut off and it fails as
 * in k6 (exit 100 or 101); k6 runs no teardown after a failed setup either.
 */
async function timed(fn, limitMs, phase) {
  const abort = new AbortController();
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const error = new PhaseTimeout(`${phase}() execution timed out after ${limitMs / 1000} seconds (${phase}Timeout)`);
      abort.abort(error);
      reject(error);
    }, limitMs);
  });
  const store = { vu: { id: 0, iterations: 0 }, scenario: undefined, iteration: 0, signal: abort.signal };
  try {
    return await Promise.race([context.run(store, () => fn()), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a script; resolves with `{ exitCode, data }` (data: the summary object).
 * Never calls process.exit. `out`/`err` receive the text the run prints.
 */
export async function runScript(file, { env = {}, summaryExport, quiet = false, out = (s) => process.stdout.write(s), err = (s) => process.stderr.write(s) } = {}) {
  registerHooks();
  reset();
  const script = resolve(file);
  const scriptEnv = { ...process.env, ...env };
  defineGlobals(scriptEnv);
  const log = (message) => err(`${message}\n`);

  let exitCode = EXIT.ok;
  let iterationErrors = 0;
  const firstErrors = new Map();
  let setupData;
  let scenarios = [];
  let thresholds = [];
  let settings;
  let mod;

  // ---- init: import the script, read its options --------------------------------
  try {
    mod = await import(pathToFileURL(script).href);
    const options = mod.options ?? {};
    settings = checkOptions(options);
    state.metrics.testTags = { ...settings.tags };
    scenarios = scenariosFrom(options);
    for (const s of scenarios) {
      if (typeof mod[s.exec] !== 'function') throw new Error(`scenario ${s.name}: the script exports no function "${s.exec}"`);
    }
    thresholds = normalizeThresholds(options.thresholds, parseDuration);
    for (const t of thresholds) {
      const metric = state.metrics.submetric(t.selector, t.metric, t.tags);
      checkAggregation(metric.type, t.aggregation);
    }
  } catch (error) {
    log(`ERRO ${error?.stack ?? error}`);
    return { exitCode: mod ? EXIT.invalidConfig : EXIT.scriptException, data: undefined };
  }

  const testStart = performance.now();
  const elapsedSeconds = () => (performance.now() - testStart) / 1000;
  const hardStops = new Set();
  state.onAbort = (reason) => {
    log(`WARN the test is aborted: ${reason}`);
    for (const stop of hardStops) stop();
  };
  const interrupt = () => {
    if (state.abort) process.exit(EXIT.externalAbort); // a second Ctrl+C: now
    exitCode = EXIT.externalAbort;
    abortTest('interrupted (SIGINT); running teardown — press Ctrl+C again to quit at once');
  };
  process.on('SIGINT', interrupt);

  try {
    // ---- setup ----------------------------------------------------------------------
    if (typeof mod.setup === 'function') {
      state.phase = 'setup';
      try {
        setupData = clone(await timed(mod.setup, settings.setupTimeoutMs, 'setup'));
      } catch (error) {
        log(`ERRO setup() failed: ${error?.stack ?? error}`);
        return { exitCode: error instanceof PhaseTimeout ? EXIT.setupTimeout : EXIT.scriptException, data: undefined };
      }
    }

    // ---- the scenarios --------------------------------------------------------------
    state.phase = 'vu';
    let nextVU = 1;
    let activeVUs = 0;
    const vusMax = scenarios.reduce((n, s) => n + maxVUsOf(s), 0);
    let completed = 0;
    let interrupted = 0;
    const gauges = setInterval(() => {
      state.metrics.add('vus', activeVUs);
      state.metrics.add('vus_max', vusMax);
    }, 1000);
    const watchdog = setInterval(() => {
      const due = thresholds.filter((t) => t.abortOnFail && elapsedSeconds() * 1000 >= t.delayAbortEvalMs);
      const failed = evaluate(due, elapsedSeconds()).find((t) => !t.ok);
      if (failed) {
        exitCode = EXIT.thresholdsFailed;
        abortTest(`threshold '${failed.source}' on ${failed.selector} crossed (abortOnFail)`);
      }
    }, 2000);
    const progress = quiet
      ? undefined
      : setInterval(() => log(`running (${elapsedSeconds().toFixed(1)}s), ${activeVUs}/${vusMax} VUs, ${completed} complete and ${interrupted} interrupted iterations`), 10_000);

    const runOne = async (s) => {
      if (s.startTimeMs > 0) await new Promise((r) => setTimeout(r, s.startTimeMs));
      if (state.abort) return;
      const scenarioAbort = new AbortController();
      const hardStop = () => scenarioAbort.abort(new Error('the scenario was stopped'));
      hardStops.add(hardStop);
      const info = { name: s.name, executor: s.executor, startedAt: Date.now() };
      let iterationInScenario = 0;
      const exec = mod[s.exec];
      const iterate = async (vu) => {
        const started = performance.now();
        const iteration = iterationInScenario++;
        const store = { vu, scenario: info, iteration, signal: scenarioAbort.signal };
        activeVUs++;
        try {
          await context.run(store, () => exec(clone(setupData)));
          completed++;
          state.iterationsInTest++;
          const tags = { scenario: s.name, ...s.tags };
          state.metrics.add('iterations', 1, tags);
          state.metrics.add('iteration_duration', performance.now() - started, tags);
        } catch (error) {
          if (scenarioAbort.signal.aborted) interrupted++;
          else {
            iterationErrors++;
            const key = String(error?.message ?? error);
            firstErrors.set(key, (firstErrors.get(key) ?? 0) + 1);
            if (firstErrors.get(key) === 1) log(`ERRO uncaught in ${s.name} (VU ${vu.id}, iteration ${iteration}): ${error?.stack ?? error}`);
          }
        } finally {
          vu.iterations++;
          activeVUs--;
        }
      };
      await runScenario(s, {
        newVU: () => ({ id: nextVU++, iterations: 0 }),
        iterate,
        stopped: () => Boolean(state.abort),
        onDropped: () => state.metrics.add('dropped_iterations', 1, { scenario: s.name }),
        hardStop,
      });
      hardStops.delete(hardStop);
    };
    // Scenario env adds to __ENV for that scenario in k6; the Node engine shares one __ENV, so it is merged up front.
    for (const s of scenarios) Object.assign(scriptEnv, s.env);
    await Promise.all(scenarios.map(runOne));
    clearInterval(gauges);
    clearInterval(watchdog);
    clearInterval(progress);
    state.metrics.add('vus', 0);
    state.metrics.add('vus_max', vusMax);
  } finally {
    // ---- teardown: always, also after an abort, so a scenario's fault is switched off --
    if (typeof mod.teardown === 'function' && state.phase !== 'setup') {
      state.phase = 'teardown';
      try {
        await timed(() => mod.teardown(clone(setupData)), settings.teardownTimeoutMs, 'teardown');
      } catch (error) {
        log(`ERRO teardown() failed: ${error?.stack ?? error}`);
        exitCode = error instanceof PhaseTimeout ? EXIT.teardownTimeout : EXIT.scriptException;
      }
    }
    process.off('SIGINT', interrupt);
  }

  // ---- thresholds and the summary ------------------------------------------------
  const durationMs = performance.now() - testStart;
  const results = evaluate(thresholds, durationMs / 1000);
  if (results.some((t) => !t.ok) && exitCode === EXIT.ok) exitCode = EXIT.thresholdsFailed;
  const data = summaryData({
    metrics: state.metrics,
    checks: state.checks,
    thresholdResults: results,
    durationMs,
    extra: {
      // Not in k6's data: what the Node engine adds for tests and debugging.
      node_engine: {
        script: file,
        exitCode,
        aborted: state.abort ?? null,
        iterationErrors,
        setupData: setupData ?? null,
        // Every (metric, tags) series of the run, as k6 hands them to its outputs (see ./remote-write.js).
        timeSeries: state.metrics.timeSeries(),
      },
    },
  });
  out(textSummary(data, { script: relative(process.cwd(), script) }));
  for (const t of results.filter((r) => !r.ok)) log(`ERRO thresholds on metrics '${t.selector}' have been crossed: ${t.source} (${t.aggregation}=${t.value})`);
  if (summaryExport) writeFileSync(summaryExport, `${JSON.stringify(data, null, 2)}\n`);
  return { exitCode, data };
}
