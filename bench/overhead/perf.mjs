/**
 * `--perf <dir>`: Linux `perf record` of the four services during the measured
 * window only, on the cpu-clock event, so a sample is CPU time (a process
 * waiting for a core, or blocked in a syscall, is not sampled — unlike V8's
 * wall-clock `--cpu-prof`, which on a busy box charges the time others ran to
 * whatever frame the service was in). The services run with
 * --perf-basic-prof-only-functions so JS frames get their names.
 * `node bench/overhead/profile.mjs` reads the recordings.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const PERF_FREQUENCY = 999;
export const PERF_NODE_OPTIONS = '--perf-basic-prof-only-functions';

/** The mode's environment with the perf map flag added to NODE_OPTIONS. */
export function withPerfMap(env) {
  return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, PERF_NODE_OPTIONS].filter(Boolean).join(' ') };
}

export const perfFile = (dir, mode, round) => join(dir, `${mode}-r${round}.perf.data`);

/** Starts `perf record` on the given pids; `stop()` ends it (SIGINT, as perf expects) and resolves when the file is written. */
export function startPerf(file, pids) {
  const child = spawn(
    'perf',
    ['record', '-q', '-e', 'cpu-clock', '-F', String(PERF_FREQUENCY), '-g', '-o', file, '-p', pids.join(',')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', (error) => {
      process.stderr.write(`[bench] perf record failed: ${error.message}\n`);
      resolve();
    });
  });
  return {
    file,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
