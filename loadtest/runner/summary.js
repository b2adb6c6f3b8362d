// The end-of-test summary: the data object k6 hands to handleSummary() (and
// that --summary-export writes here), and a text rendering in the style of
// k6 v1's compact summary.
import { formatDuration } from './schedule.js';

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

/** k6's handleSummary() data: metrics with their values and threshold results, checks, run duration. */
export function summaryData({ metrics, checks, thresholdResults, durationMs, extra = {} }) {
  const elapsed = durationMs / 1000;
  const out = {};
  for (const metric of metrics.all()) {
    const named = thresholdResults.filter((t) => t.selector === metric.name);
    if (!metric.seen && named.length === 0) continue;
    const values = { ...metric.sink.summary(elapsed) };
    out[metric.name] = {
      type: metric.type,
      contains: metric.isTime ? 'time' : 'default',
      values,
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

const time = (ms) => (ms === 0 ? '0s' : ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : ms >= 1 ? `${ms.toFixed(2)}ms` : `${(ms * 1000).toFixed(2)}µs`);
const pct = (r) => `${(r * 100).toFixed(2)}%`;

function formatValues(metric) {
  const v = metric.values;
  switch (metric.type) {
    case 'trend':
      return TREND_STATS.map((s) => `${s}=${metric.contains === 'time' ? time(v[s]) : Number(v[s].toFixed(2))}`).join(' ');
    case 'rate':
      return `${pct(v.rate)}  ${v.passes} out of ${v.passes + v.fails}`;
    case 'counter':
      return `${v.count}  ${v.rate.toFixed(2)}/s`;
    default:
      return `${v.value}  min=${v.min} max=${v.max}`;
  }
}

const line = (name, value, indent = 4) => `${' '.repeat(indent)}${`${name}`.padEnd(40 - indent, '.')}: ${value}`;

/** The text summary. */
export function textSummary(data, { script } = {}) {
  const lines = [''];
  const withThresholds = Object.entries(data.metrics).filter(([, m]) => m.thresholds);
  if (withThresholds.length) {
    lines.push('  █ THRESHOLDS', '');
    for (const [name, m] of withThresholds) {
      lines.push(`    ${name}`);
      for (const [source, { ok }] of Object.entries(m.thresholds)) {
        const agg = /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(source)?.[1];
        const value = m.values[agg];
        const shown = value === undefined ? '' : m.contains === 'time' ? time(value) : m.type === 'rate' ? pct(value) : Number(value.toFixed(4));
        lines.push(`    ${ok ? '✓' : '✗'} '${source}' ${agg}=${shown}`);
      }
      lines.push('');
    }
    lines.push('');
  }
  lines.push('  █ TOTAL RESULTS', '');
  const checks = data.root_group.checks;
  if (checks.length) {
    const passes = checks.reduce((n, c) => n + c.passes, 0);
    const fails = checks.reduce((n, c) => n + c.fails, 0);
    const total = passes + fails;
    lines.push(line('checks_total', `${total}`));
    lines.push(line('checks_succeeded', `${pct(total ? passes / total : 0)} ${passes} out of ${total}`));
    lines.push(line('checks_failed', `${pct(total ? fails / total : 0)} ${fails} out of ${total}`), '');
    for (const c of checks) {
      lines.push(`    ${c.fails ? '✗' : '✓'} ${c.name}`);
      if (c.fails) lines.push(`      ↳  ${Math.floor((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}`);
    }
    lines.push('');
  }
  const sections = { HTTP: /^http_/, EXECUTION: /^(iteration|iterations|dropped_iterations|vus)/ };
  const sectionOf = (name) => Object.entries(sections).find(([, re]) => re.test(name))?.[0] ?? 'CUSTOM';
  for (const section of ['CUSTOM', 'HTTP', 'EXECUTION']) {
    const entries = Object.entries(data.metrics)
      .filter(([name]) => name !== 'checks' && sectionOf(name.replace(/\{.*$/, '')) === section)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!entries.length) continue;
    lines.push(`    ${section}`);
    for (const [name, m] of entries) {
      const sub = name.indexOf('{');
      lines.push(sub > 0 ? line(`{ ${name.slice(sub + 1, -1)} }`, formatValues(m), 6) : line(name, formatValues(m)));
    }
    lines.push('');
  }
  lines.push(`running (${formatDuration(data.state.testRunDurationMs)})${script ? `, ${script}` : ''}`, '');
  return lines.join('\n');
}
