// The end-of-test summary: the data object k6 hands to handleSummary() (which --summary-export
// writes here), and a text rendering in the style of k6 v1's compact summary.

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

/** k6's handleSummary() data: metrics with their values and threshold results, checks, run duration. */
export function summaryData({ metrics, checks, thresholdResults, durationMs }) {
  const out = {};
  for (const metric of metrics.metrics.values()) {
    const named = thresholdResults.filter((t) => t.selector === metric.name);
    if (metric.sink.count === 0 && named.length === 0) continue; // as k6: metrics without samples are left out
    const asked = named.map((t) => /^p\((.+)\)$/.exec(t.aggregation)?.[1]).filter(Boolean); // p(N) thresholds
    out[metric.name] = {
      type: metric.type,
      contains: metric.isTime ? 'time' : 'default',
      values: metric.sink.summary(durationMs / 1000, [90, 95, 99, ...asked]),
      ...(named.length ? { thresholds: Object.fromEntries(named.map((t) => [t.source, { ok: t.ok }])) } : {}),
    };
  }
  return {
    root_group: {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [],
      checks: [...checks.values()],
    },
    options: { summaryTrendStats: [...TREND_STATS, 'p(99)'], summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: durationMs,
    },
    metrics: out,
  };
}

const time = (ms) =>
  ms >= 1000
    ? `${(ms / 1000).toFixed(2)}s`
    : ms >= 1 || ms === 0
      ? `${ms.toFixed(2)}ms`
      : `${(ms * 1000).toFixed(2)}µs`;
const pct = (r) => `${(r * 100).toFixed(2)}%`;

const VALUES = {
  trend: (v, m) =>
    TREND_STATS.map((s) => `${s}=${m.contains === 'time' ? time(v[s]) : Number(v[s].toFixed(2))}`).join(' '),
  rate: (v) => `${pct(v.rate)}  ${v.passes} out of ${v.passes + v.fails}`,
  counter: (v) => `${v.count}  ${v.rate.toFixed(2)}/s`,
  gauge: (v) => `${v.value}  min=${v.min} max=${v.max}`,
};

/** The text summary, in the style of k6's: each check, then each metric (✓/✗: all its thresholds hold, or not). */
export function textSummary(data, { script = '' } = {}) {
  const lines = [''];
  for (const c of data.root_group.checks)
    lines.push(
      `    ${c.fails ? `✗ ${c.name}\n      ↳  ${Math.floor((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}` : `✓ ${c.name}`}`,
    );
  lines.push('');
  for (const name of Object.keys(data.metrics).sort()) {
    const m = data.metrics[name];
    const mark = !m.thresholds ? ' ' : Object.values(m.thresholds).every((t) => t.ok) ? '✓' : '✗';
    lines.push(`  ${mark} ${name.padEnd(44, '.')}: ${VALUES[m.type](m.values, m)}`);
  }
  lines.push('', `running (${(data.state.testRunDurationMs / 1000).toFixed(1)}s)${script ? `, ${script}` : ''}`, '');
  return lines.join('\n');
}
