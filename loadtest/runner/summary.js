// The end-of-test summary: the data object k6 hands to handleSummary() (which --summary-export
// writes here), and a text rendering in the style of k6 v1's compact summary.

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

/** k6's handleSummary() data: metrics with their values and threshold results, checks, run duration. */
export function summaryData({ metrics, checks, thresholdResults, durationMs, extra = {} }) {
  const out = {};
  for (const metric of metrics.all()) {
    const named = thresholdResults.filter((t) => t.selector === metric.name);
    if (!metric.seen && named.length === 0) continue; // as k6: metrics without samples are left out
    out[metric.name] = {
      type: metric.type,
      contains: metric.isTime ? 'time' : 'default',
      values: metric.sink.summary(durationMs / 1000, [90, 95, 99, ...named.map((t) => /^p\((.+)\)$/.exec(t.aggregation)?.[1]).filter(Boolean)]),
      ...(named.length ? { thresholds: Object.fromEntries(named.map((t) => [t.source, { ok: t.ok }])) } : {}),
    };
  }
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [...checks.values()] },
    options: { summaryTrendStats: [...TREND_STATS, 'p(99)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: Boolean(process.stdout.isTTY), isStdErrTTY: Boolean(process.stderr.isTTY), testRunDurationMs: durationMs },
    metrics: out,
    ...extra,
  };
}

const time = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : ms >= 1 || ms === 0 ? `${ms.toFixed(2)}ms` : `${(ms * 1000).toFixed(2)}µs`);
const pct = (r) => `${(r * 100).toFixed(2)}%`;
const line = (name, value, indent = 4) => `${' '.repeat(indent)}${name.padEnd(40 - indent, '.')}: ${value}`;

function format(m, key) {
  const v = m.values[key];
  return m.contains === 'time' ? time(v) : m.type === 'rate' ? pct(v) : Number(v.toFixed(2));
}

const VALUES = {
  trend: (m) => TREND_STATS.map((s) => `${s}=${format(m, s)}`).join(' '),
  rate: (m) => `${pct(m.values.rate)}  ${m.values.passes} out of ${m.values.passes + m.values.fails}`,
  counter: (m) => `${m.values.count}  ${m.values.rate.toFixed(2)}/s`,
  gauge: (m) => `${m.values.value}  min=${m.values.min} max=${m.values.max}`,
};

/** The text summary: thresholds (✓/✗), checks, then every metric, submetrics under their metric. */
export function textSummary(data, { script = '' } = {}) {
  const lines = [''];
  const withThresholds = Object.entries(data.metrics).filter(([, m]) => m.thresholds);
  if (withThresholds.length) lines.push('  █ THRESHOLDS', '');
  for (const [name, m] of withThresholds) {
    lines.push(`    ${name}`);
    for (const [source, { ok }] of Object.entries(m.thresholds)) {
      const agg = /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(source)?.[1];
      lines.push(`    ${ok ? '✓' : '✗'} '${source}' ${agg}=${m.values[agg] === undefined ? '' : format(m, agg)}`);
    }
    lines.push('');
  }
  lines.push('  █ TOTAL RESULTS', '');
  for (const c of data.root_group.checks) {
    lines.push(`    ${c.fails ? '✗' : '✓'} ${c.name}`);
    if (c.fails) lines.push(`      ↳  ${Math.floor((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}`);
  }
  for (const name of Object.keys(data.metrics).sort()) {
    const sub = name.indexOf('{');
    lines.push(sub > 0 ? line(`{ ${name.slice(sub + 1, -1)} }`, VALUES[data.metrics[name].type](data.metrics[name]), 6) : line(name, VALUES[data.metrics[name].type](data.metrics[name])));
  }
  lines.push('', `running (${(data.state.testRunDurationMs / 1000).toFixed(1)}s)${script ? `, ${script}` : ''}`, '');
  return lines.join('\n');
}
