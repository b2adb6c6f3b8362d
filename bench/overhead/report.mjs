/** Turns run results into the summary: per-mode medians, ratios to the baseline, goals, markdown. */
import { DISTURBED_SHARE, isDisturbed } from './disturbance.mjs';
import { SERVICES } from './services.mjs';
import { median, medianOf, sum } from './stats.mjs';

export const GOALS = { throughputRatio: 0.9, bootRatio: 1.5 };

/** Per mode, the median over its rounds of every figure. */
export function summarise(results) {
  const byMode = new Map();
  for (const r of results) byMode.set(r.mode, [...(byMode.get(r.mode) ?? []), r]);
  return [...byMode].map(([mode, all]) => summariseMode(mode, all));
}

/** Boot times come from every run, boot-only ones included; everything else from the load runs. */
function summariseMode(mode, all) {
  const runs = all.filter((r) => !r.bootOnly);
  return {
    mode,
    rounds: runs.length,
    bootSamples: all.length,
    env: all[0].env,
    throughput: medianOf(runs, (r) => r.throughput),
    p50: medianOf(runs, (r) => r.p50),
    p90: medianOf(runs, (r) => r.p90),
    p99: medianOf(runs, (r) => r.p99),
    requests: sum(runs.map((r) => r.measured)),
    failed: sum(runs.map((r) => r.failed + r.warmupFailed)),
    failures: runs.flatMap((r) => Object.entries(r.failures)),
    bootTotal: medianOf(all, (r) => sum(Object.values(r.boot))),
    boot: perService(all, (r, s) => r.boot[s]),
    rssIdle: perService(runs, (r, s) => r.rssIdle[s]),
    rssPeak: perService(runs, (r, s) => r.rssPeak[s]),
    rssEnd: perService(runs, (r, s) => r.rssEnd[s]),
    cpuPerRequest: perService(runs, (r, s) => r.cpuPerRequest[s]),
    cpuPerRequestAll: medianOf(runs, (r) => sum(SERVICES.map((s) => r.cpuPerRequest[s]))),
    benchCpuPerRequest: medianOf(runs, (r) => r.benchCpuPerRequest),
    collectorCpuPerRequest: medianOf(runs, (r) => r.collectorCpuPerRequest),
    machineBusy: medianOf(runs, (r) => r.machineBusy),
    backingCpuPerRequest: medianOf(runs, (r) => r.backingCpuPerRequest),
    kernelShare: medianOf(runs, (r) => r.kernelShare),
    otherShare: medianOf(runs, (r) => r.otherShare),
    disturbed: runs.filter(isDisturbed).map((r) => `round ${r.round}: ${r.otherTop.join(', ')}`),
    spansPerRequest: medianOf(runs, (r) => r.spans?.perRequest),
    spansPerRequestByService: perService(runs, (r, s) => r.spans?.perRequestByService[s]),
    droppedSpans: runs.some((r) => r.droppedSpans !== undefined)
      ? sum(runs.map((r) => r.droppedSpans ?? 0))
      : undefined,
    perRound: runs.map((r) => ({
      round: r.round,
      throughput: r.throughput,
      p50: r.p50,
      p99: r.p99,
      bootTotal: sum(Object.values(r.boot)),
    })),
    bootOnly: all.filter((r) => r.bootOnly).map((r) => sum(Object.values(r.boot))),
  };
}

function perService(runs, pick) {
  return Object.fromEntries(SERVICES.map((s) => [s, medianOf(runs, (r) => pick(r, s))]));
}

/** Each mode against the baseline: ratios and whether the goals hold (telemetry-on modes only). */
export function compare(summary, baselineMode) {
  const base = summary.find((m) => m.mode === baselineMode);
  if (!base) return [];
  return summary
    .filter((m) => m !== base)
    .map((m) => {
      const bootRatio = Object.fromEntries(SERVICES.map((s) => [s, m.boot[s] / base.boot[s]]));
      // Per round, against the baseline run right next to it: drift between rounds cancels out.
      const paired = m.perRound
        .map((r) => [r, base.perRound.find((b) => b.round === r.round)])
        .filter(([, b]) => b)
        .map(([r, b]) => r.throughput / b.throughput);
      const ratios = {
        throughput: m.throughput / base.throughput,
        throughputPaired: median(paired),
        p50: m.p50 / base.p50,
        p99: m.p99 / base.p99,
        bootTotal: m.bootTotal / base.bootTotal,
        boot: bootRatio,
        bootWorst: Math.max(...Object.values(bootRatio)),
        cpuPerRequest: m.cpuPerRequestAll / base.cpuPerRequestAll,
      };
      return {
        mode: m.mode,
        ratios,
        goals: {
          throughput:
            (Number.isFinite(ratios.throughputPaired) ? ratios.throughputPaired : ratios.throughput) >=
            GOALS.throughputRatio,
          boot: ratios.bootWorst <= GOALS.bootRatio,
        },
      };
    });
}

const f = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '–');
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const yes = (ok) => (ok ? 'met' : '**missed**');

/** Ratios to the baseline; the goal columns only against `off`, which is what the goals are about. */
function comparisonTable(comparisons, baseline) {
  const goals = baseline === 'off';
  const head = [
    'Throughput (ratio of medians)',
    'Throughput (median of per-round ratios)',
    'p50',
    'p99',
    'CPU/order',
    'Boot (all)',
    'Boot (worst service)',
  ];
  if (goals) head.push(`≥ ${pct(GOALS.throughputRatio)} throughput`, `≤ ${GOALS.bootRatio}× boot`);
  const lines = [
    `| Against \`${baseline}\` | ${head.join(' | ')} |`,
    `|---|${head.map((h) => (h.startsWith('≥') || h.startsWith('≤') ? '---' : '---:')).join('|')}|`,
  ];
  for (const c of comparisons) {
    const [worstService, worst] = Object.entries(c.ratios.boot).reduce((a, b) => (b[1] > a[1] ? b : a));
    const cells = [
      pct(c.ratios.throughput),
      pct(c.ratios.throughputPaired),
      x(c.ratios.p50),
      x(c.ratios.p99),
      x(c.ratios.cpuPerRequest),
      x(c.ratios.bootTotal),
      `${x(worst)} (${worstService})`,
    ];
    if (goals) cells.push(yes(c.goals.throughput), yes(c.goals.boot));
    lines.push(`| \`${c.mode}\` | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The markdown block written to docs/benchmarks.md (and printed without --write). */
export function markdown({ summary, comparisons, meta }) {
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(`Run ${meta.finishedAt} · \`${meta.command}\` · ${meta.wallSeconds.toFixed(0)} s wall clock`, '');
  push(
    `Machine: ${meta.cpus} × ${meta.cpuModel}, ${meta.memGiB.toFixed(0)} GiB, Linux ${meta.kernel}, Node ${meta.node}; ` +
      `backing: ${meta.backing}; load average at start ${meta.loadAverage.join(' ')}.`,
    `Load: ${meta.concurrency} closed-loop workers, ${meta.warmupSeconds} s warm-up + ${meta.durationSeconds} s measured per run, ` +
      `${meta.rounds} rounds (order ${meta.schedule}), ${pct(meta.declinedShare)} declined cards, payment provider latency ${meta.providerLatencyMs} ms.`,
    '',
  );
  if (meta.repeated?.length > 0) push(`Runs repeated: ${meta.repeated.join('; ')}.`, '');
  const failed = summary.filter((m) => m.failed > 0);
  if (failed.length > 0) {
    push(
      `> **⚠ ${sum(failed.map((m) => m.failed))} REQUESTS FAILED** (${failed.map((m) => m.mode).join(', ')}) — these figures are not a valid result.`,
      '',
    );
  }
  const disturbed = summary.filter((m) => m.disturbed.length > 0);
  if (disturbed.length > 0) {
    push(
      `> **⚠ Other processes used more than ${pct(DISTURBED_SHARE)} of the machine** in ${disturbed.map((m) => `\`${m.mode}\` (${m.disturbed.join('; ')})`).join(', ')} — rerun on a quiet machine.`,
      '',
    );
  }
  const modes = summary.map((m) => m.mode);
  push(`| Median over rounds | ${modes.join(' | ')} |`, `|---|${modes.map(() => '---:').join('|')}|`);
  const row = (label, pick) => push(`| ${label} | ${summary.map(pick).join(' | ')} |`);
  row('Throughput (orders/s)', (m) => f(m.throughput, 1));
  row('Latency p50 (ms)', (m) => f(m.p50, 1));
  row('Latency p90 (ms)', (m) => f(m.p90, 1));
  row('Latency p99 (ms)', (m) => f(m.p99, 1));
  row('Requests measured / failed', (m) => `${m.requests} / ${m.failed}`);
  row('Boot, all four, one after the other (ms)', (m) => `${f(m.bootTotal)} (${m.bootSamples} boots)`);
  for (const s of SERVICES) row(`Boot ${s} (ms)`, (m) => f(m.boot[s]));
  for (const s of SERVICES)
    row(`RSS ${s}: idle / peak / end (MiB)`, (m) => `${f(m.rssIdle[s])} / ${f(m.rssPeak[s])} / ${f(m.rssEnd[s])}`);
  for (const s of SERVICES) row(`CPU ${s} (ms per order)`, (m) => f(m.cpuPerRequest[s], 2));
  row('CPU, four services (ms per order)', (m) => f(m.cpuPerRequestAll, 2));
  row('CPU, load generator (ms per order)', (m) => f(m.benchCpuPerRequest, 2));
  row('CPU, OTLP receiver (ms per order)', (m) => f(m.collectorCpuPerRequest, 2));
  row('CPU, PostgreSQL + RabbitMQ (ms per order)', (m) => f(m.backingCpuPerRequest, 2));
  row(
    'Machine busy / kernel threads / other processes',
    (m) => `${pct(m.machineBusy)} / ${pct(m.kernelShare)} / ${pct(m.otherShare)}`,
  );
  row('Spans exported per order', (m) => f(m.spansPerRequest, 1));
  row(`Spans per order: ${SERVICES.join(' / ')}`, (m) =>
    Number.isFinite(m.spansPerRequest) ? SERVICES.map((s) => f(m.spansPerRequestByService[s], 1)).join(' / ') : '–',
  );
  row('Spans dropped by the batch processor', (m) => (m.droppedSpans === undefined ? '–' : String(m.droppedSpans)));
  push('');
  if (comparisons.length > 0) push(...comparisonTable(comparisons, meta.baseline), '');
  push('Per round (throughput orders/s · p50 ms · p99 ms · boot ms):', '');
  for (const m of summary) {
    const extraBoots = m.bootOnly.length > 0 ? `; boot only: ${m.bootOnly.map((b) => f(b)).join(', ')}` : '';
    push(
      `- \`${m.mode}\`: ${m.perRound.map((r) => `r${r.round} ${f(r.throughput, 1)} · ${f(r.p50, 1)} · ${f(r.p99, 1)} · ${f(r.bootTotal)}`).join('; ')}${extraBoots}`,
    );
  }
  push('', 'Modes:', '');
  for (const m of summary)
    push(
      `- \`${m.mode}\`: ${Object.entries(m.env)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(' ')}`,
    );
  return lines.join('\n');
}
