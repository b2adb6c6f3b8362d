// `npm run load -- <script> [options]`: runs a k6 script from loadtest/ against
// the running services.
//
//   <script>               smoke | baseline | spike | soak | breakpoint | scenarios/<scenario-name>
//                          (or a path to a .js file); `--list` prints them
//   --duration 30s         LOAD_DURATION: how long the main load runs (stages keep their shape)
//   --rate 5               LOAD_RATE: orders per second of the arrival-rate scripts
//   --vus 3                LOAD_VUS: virtual users of the VU-based scripts
//   --scale 0.2            LOAD_SCALE: multiplies every rate and VU count
//   -e NAME=value          any other __ENV value (GATEWAY_URL, ADMIN_TOKEN, FAULT_PARAMS, …)
//   --summary-export FILE  write the end-of-test summary as JSON. Two formats: the Node engine
//                          writes the object k6 hands to handleSummary() (metrics[name].values,
//                          thresholds[expr].ok, root_group.checks) plus node_engine (exit code,
//                          setup data, every series of the run); on k6 it is k6's own
//                          legacy export (metrics[name] flat, thresholds[expr] true when it
//                          FAILED), which k6 v1 keeps unchanged. Read the one you asked for.
//   --quiet                no progress lines
//   --engine k6|node       who runs the script (LOAD_ENGINE does the same). Without it: k6 when a
//                          `k6` binary is on PATH, else the Node engine, said in one line.
//                          --k6 and --node are short for --engine k6 and --engine node.
//
// Both engines run the same files and read the same LOAD_* values through __ENV; the Node
// engine (loadtest/runner) needs nothing but Node. Exit codes as k6's: 0 ok, 99 a threshold
// failed, 100 setup timed out, 104/107 a script or configuration error, 105 interrupted —
// on k6, k6's own code, also after Ctrl+C (see runK6).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { accessSync, constants as fs, existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const LOADTEST = join(ROOT, 'loadtest');
const FLAGS_TO_ENV = {
  '--duration': 'LOAD_DURATION',
  '--rate': 'LOAD_RATE',
  '--vus': 'LOAD_VUS',
  '--scale': 'LOAD_SCALE',
};

export class UsageError extends Error {}

/** The scripts `npm run load` knows, as names: smoke, …, scenarios/<name>. */
export function scriptNames() {
  const top = readdirSync(LOADTEST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3));
  const scenarios = readdirSync(join(LOADTEST, 'scenarios'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `scenarios/${f.slice(0, -3)}`);
  return [...top.sort(), ...scenarios.sort()];
}

export function resolveScript(name) {
  if (!name) throw new UsageError(`name a script: ${scriptNames().join(', ')}`);
  const file = name.endsWith('.js') ? resolve(name) : join(LOADTEST, `${name}.js`);
  if (!existsSync(file)) throw new UsageError(`no script "${name}"; known: ${scriptNames().join(', ')}`);
  return file;
}

const ENGINES = ['k6', 'node'];

function engineOf(value, source) {
  if (!ENGINES.includes(value)) throw new UsageError(`${source} is k6 or node (got "${value}")`);
  return value;
}

/** argv → `{ script, env, summaryExport, quiet, engine }`; engine is undefined when nothing chose one. */
export function parseArgs(argv, processEnv = process.env) {
  const options = {
    script: undefined,
    env: {},
    summaryExport: undefined,
    quiet: false,
    engine: processEnv.LOAD_ENGINE ? engineOf(processEnv.LOAD_ENGINE, 'LOAD_ENGINE') : undefined,
    list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag in FLAGS_TO_ENV) options.env[FLAGS_TO_ENV[flag]] = value();
    else if (flag === '-e' || flag === '--env') {
      const pair = value();
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`-e takes NAME=value (got "${pair}")`);
      options.env[pair.slice(0, at)] = pair.slice(at + 1);
    } else if (flag === '--summary-export') options.summaryExport = resolve(value());
    else if (flag === '--quiet' || flag === '-q') options.quiet = true;
    else if (flag === '--engine') options.engine = engineOf(value(), '--engine');
    else if (flag === '--k6') options.engine = 'k6';
    else if (flag === '--node') options.engine = 'node';
    else if (flag === '--list') options.list = true;
    else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else if (options.script) throw new UsageError(`one script at a time (got "${options.script}" and "${flag}")`);
    else options.script = flag;
  }
  return options;
}

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, command), fs.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs k6 and resolves with its exit code. k6 runs in a process group of its own, so
 * Ctrl+C reaches this process alone, which passes each SIGINT (and SIGTERM, SIGHUP) on
 * to k6 once: k6 then stops, runs teardown (a scenario's fault switched off) and exits
 * 105, and that is the code this process exits with — not 130 from Node's default
 * handler while k6 carries on behind it. A second Ctrl+C reaches k6 as its second and
 * stops it at once, as in a terminal. A k6 killed by a signal gives 128 + its number.
 */
export function runK6(args, { command = 'k6', stdio = 'inherit' } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio, detached: true });
    const handlers = Object.fromEntries(
      ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => [signal, () => child.kill(signal)]),
    );
    for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
    const done = () => {
      for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      done();
      resolvePromise(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

export async function main(argv) {
  const options = parseArgs(argv);
  if (options.list) {
    process.stdout.write(`${scriptNames().join('\n')}\n`);
    return 0;
  }
  const file = resolveScript(options.script);
  const k6Found = onPath('k6');
  const engine = options.engine ?? (k6Found ? 'k6' : 'node');
  if (engine === 'k6') {
    if (!k6Found)
      throw new UsageError(
        'k6 is not on PATH: install it (grafana.com/docs/k6/latest/set-up/install-k6), use `docker compose --profile k6 run --rm k6`, or use --engine node',
      );
    const args = ['run', ...Object.entries(options.env).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
    if (options.summaryExport) args.push('--summary-export', options.summaryExport);
    if (options.quiet) args.push('--quiet');
    args.push(file);
    return runK6(args);
  }
  const { runScript } = await import(pathToFileURL(join(LOADTEST, 'runner/index.js')).href);
  const why = options.engine ? '' : ' (no k6 on PATH; install k6 to run it there, or choose with --engine k6|node)';
  process.stderr.write(`load: ${relative(ROOT, file)} on the Node engine (loadtest/runner)${why}\n`);
  const { exitCode } = await runScript(file, {
    env: options.env,
    summaryExport: options.summaryExport,
    quiet: options.quiet,
  });
  return exitCode;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`load: ${error instanceof UsageError ? error.message : error.stack}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
