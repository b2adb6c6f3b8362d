// The Node engine: runs a k6 script file (options, setup, the scenarios' exec functions, teardown,
// thresholds) with the k6 modules mapped to ./shims; scripts/load.mjs calls it. It implements the part
// of k6 the scripts in loadtest/ use (listed in loadtest/README.md); anything else fails loudly.
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runScenario } from './executors.js';
import { readOptions } from './options.js';
import { context, reset, state } from './runtime.js';
import { summaryData, textSummary } from './summary.js';

/** k6's exit codes for the cases the Node engine can meet. */
const EXIT = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
};

register(new URL('./hooks.js', import.meta.url)); // once per process: `k6/*` imports → ./shims
const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const log = (message) => process.stderr.write(`${message}\n`);

class PhaseTimeout extends Error {}

/** setup() or teardown() within k6's limit (setupTimeout, teardownTimeout); past it, its requests are cut off and it fails. */
function timed(fn, limitMs, phase) {
  const signal = AbortSignal.timeout(limitMs);
  const limit = new Promise((_, reject) =>
    signal.addEventListener('abort', () =>
      reject(new PhaseTimeout(`${phase}() execution timed out after ${limitMs / 1000} seconds (${phase}Timeout)`)),
    ),
  );
  limit.catch(() => {}); // once fn has settled, nobody waits for it
  return Promise.race([context.run({ signal }, fn), limit]);
}

/** Runs a script; resolves with `{ exitCode, data }` (data: the summary object). Never calls process.exit but on a second Ctrl+C. */
export async function runScript(file, { env = {}, summaryExport, quiet = false } = {}) {
  reset();
  globalThis.__ENV = { ...process.env, ...env };
  const script = resolve(file);
  let exitCode = EXIT.ok;
  let iterationErrors = 0;
  let setupData, mod, settings;

  // ---- init: import the script, check its options ----------------------------------------------
  try {
    mod = await import(pathToFileURL(script).href);
    settings = readOptions(mod.options);
    state.metrics.testTags = settings.tags;
    const missing = settings.scenarios.find((s) => typeof mod[s.exec] !== 'function');
    if (missing) throw new Error(`scenario ${missing.name}: the script exports no function "${missing.exec}"`);
    for (const t of settings.thresholds) state.metrics.threshold(t);
  } catch (error) {
    log(`ERRO ${error?.stack ?? error}`);
    return { exitCode: mod ? EXIT.invalidConfig : EXIT.scriptException, data: undefined };
  }
  const { scenarios, thresholds } = settings;

  const testStart = performance.now();
  const elapsedSeconds = () => (performance.now() - testStart) / 1000;
  const stopAll = new AbortController(); // an aborted run (abortOnFail, Ctrl+C): no new iterations, those running cut off
  const abortTest = (reason) => {
    if (stopAll.signal.aborted) return;
    log(`WARN the test is aborted: ${reason}`);
    stopAll.abort(new Error(reason));
  };
  const interrupt = () => {
    if (stopAll.signal.aborted) process.exit(EXIT.externalAbort); // a second Ctrl+C: now
    exitCode = EXIT.externalAbort;
    abortTest('interrupted (SIGINT); running teardown — press Ctrl+C again to quit at once');
  };
  process.on('SIGINT', interrupt);

  try {
    // ---- setup: k6 runs no teardown after a failed one ------------------------------------------
    if (typeof mod.setup === 'function') {
      state.phase = 'setup';
      try {
        setupData = clone(await timed(mod.setup, settings.setupTimeoutMs, 'setup'));
      } catch (error) {
        log(`ERRO setup() failed: ${error?.stack ?? error}`);
        return { exitCode: error instanceof PhaseTimeout ? EXIT.setupTimeout : EXIT.scriptException, data: undefined };
      }
    }

    // ---- the scenarios ------------------------------------------------------------------------------
    state.phase = 'vu';
    let [nextVU, activeVUs, completed, interrupted] = [1, 0, 0, 0];
    const vusMax = scenarios.reduce((n, s) => n + (s.maxVUs ?? s.vus), 0);
    const watchdog = setInterval(() => {
      const failed = thresholds.find(
        (t) =>
          t.abortOnFail &&
          elapsedSeconds() * 1000 >= t.delayAbortEvalMs &&
          !state.metrics.evaluate(t, elapsedSeconds()).ok,
      );
      if (!failed) return;
      exitCode = EXIT.thresholdsFailed;
      abortTest(`threshold '${failed.source}' on ${failed.selector} crossed (abortOnFail)`);
    }, 2000);
    const progress = () =>
      log(
        `running (${elapsedSeconds().toFixed(1)}s), ${activeVUs}/${vusMax} VUs, ${completed} complete and ${interrupted} interrupted iterations`,
      );
    const progressTimer = quiet ? undefined : setInterval(progress, 10_000);
    await Promise.all(
      scenarios.map((s) => {
        const cutOff = new AbortController(); // past the scenario's end and gracefulStop
        const signal = AbortSignal.any([cutOff.signal, stopAll.signal]);
        const tags = { scenario: s.name };
        const iterate = async (vu) => {
          const started = performance.now();
          activeVUs++;
          try {
            await context.run({ scenario: s.name, signal }, () => mod[s.exec](clone(setupData)));
            completed++;
            state.metrics.add('iterations', 1, tags);
            state.metrics.add('iteration_duration', performance.now() - started, tags);
          } catch (error) {
            if (signal.aborted) interrupted++;
            else if (++iterationErrors <= 5)
              log(`ERRO uncaught in ${s.name} (VU ${vu.id}; the first 5 are shown): ${error?.stack ?? error}`);
          } finally {
            activeVUs--;
          }
        };
        return runScenario(s, {
          newVU: () => ({ id: nextVU++ }),
          iterate,
          stopped: () => stopAll.signal.aborted,
          onDropped: () => state.metrics.add('dropped_iterations', 1, tags),
          hardStop: () => cutOff.abort(new Error(`scenario ${s.name} stopped`)),
        });
      }),
    );
    clearInterval(watchdog);
    clearInterval(progressTimer);
  } finally {
    // ---- teardown: always (but after a failed setup), also after an abort: a scenario's fault goes off --
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

  // ---- thresholds and the summary -------------------------------------------------------------------
  const durationMs = performance.now() - testStart;
  const results = thresholds.map((t) => state.metrics.evaluate(t, durationMs / 1000));
  if (results.some((t) => !t.ok) && exitCode === EXIT.ok) exitCode = EXIT.thresholdsFailed;
  const data = {
    ...summaryData({ metrics: state.metrics, checks: state.checks, thresholdResults: results, durationMs }),
    // Not in k6's data: what the Node engine adds for tests, with every (metric, tags) series of the run.
    node_engine: {
      script: file,
      exitCode,
      aborted: stopAll.signal.aborted ? stopAll.signal.reason.message : null,
      iterationErrors,
      setupData: setupData ?? null,
      timeSeries: state.metrics.timeSeries(),
    },
  };
  process.stdout.write(textSummary(data, { script: relative(process.cwd(), script) }));
  for (const t of results.filter((r) => !r.ok))
    log(`ERRO thresholds on metrics '${t.selector}' have been crossed: ${t.source} (${t.aggregation}=${t.actual})`);
  if (summaryExport) writeFileSync(summaryExport, `${JSON.stringify(data, null, 2)}\n`);
  return { exitCode, data };
}
