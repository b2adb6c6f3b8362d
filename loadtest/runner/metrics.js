// The metric store of the Node engine: k6's metric types and built-in metrics, submetrics (filtered by
// tags, registered by the thresholds that name them), and every (metric, tag set) series of the run.

/** Nearest-rank percentile with linear interpolation, as k6 computes it (0 without samples). */
export function percentile(sorted, p) {
  if (sorted.length <= 1) return sorted[0] ?? 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** The aggregations a threshold may name, per metric type (k6 has no min/max thresholds on a gauge). */
const AGGREGATIONS = {
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
  rate: /^rate$/,
  counter: /^(count|rate)$/,
  gauge: /^value$/,
};

const OPERATORS = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

class Sink {
  count = 0;
  sum = 0;
  passes = 0;
  min = Infinity;
  max = -Infinity;
  last = 0;
  values = []; // a trend's samples

  constructor(type) {
    this.type = type;
  }

  add(value) {
    this.count++;
    this.sum += value;
    if (value !== 0) this.passes++;
    [this.last, this.min, this.max] = [value, Math.min(this.min, value), Math.max(this.max, value)];
    if (this.type === 'trend') this.values.push(value);
  }

  /** Every aggregation of this type, keyed as in k6's summary data; `p(N)` of a trend for each N asked. */
  summary(elapsedSeconds = 1, percentiles = [90, 95, 99]) {
    if (this.type === 'trend') {
      const v = this.values.sort((a, b) => a - b); // sorted but for the samples since the last time: quick
      return {
        avg: v.length ? this.sum / v.length : 0,
        min: v[0] ?? 0,
        med: percentile(v, 50),
        max: v.at(-1) ?? 0,
        ...Object.fromEntries(percentiles.map((n) => [`p(${n})`, percentile(v, n)])),
      };
    }
    if (this.type === 'rate')
      return { rate: this.count ? this.passes / this.count : 0, passes: this.passes, fails: this.count - this.passes };
    if (this.type === 'counter') return { count: this.sum, rate: elapsedSeconds > 0 ? this.sum / elapsedSeconds : 0 };
    return { value: this.last, min: this.count ? this.min : 0, max: this.count ? this.max : 0 };
  }

  /** The value a threshold's aggregation names, e.g. `p(99.9)`, `rate`, `count`. */
  aggregate(name, elapsedSeconds) {
    const p = /^p\((.+)\)$/.exec(name);
    return this.summary(elapsedSeconds, p ? [p[1]] : [])[name];
  }
}

const BUILT_IN = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  checks: 'rate',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
};

/** A tag set as a stable key: k6's time series is (metric, tag set), whatever the order of the tags. */
const seriesKey = (tags) => JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class Metrics {
  /** `testTags`: options.tags, on every sample as in k6 (a sample's own tags win). */
  constructor(testTags = {}) {
    this.testTags = testTags;
    this.metrics = new Map(); // by name; a submetric by its selector ("name{a:b}"), with its parent and tags
    for (const [name, type] of Object.entries(BUILT_IN)) this.define(name, type, name.endsWith('duration'));
  }

  /** Registers a metric (built-in, or custom from k6/metrics); again with the same type is a no-op. */
  define(name, type, isTime = false) {
    if (!/^[A-Za-z_]\w{0,127}$/.test(name)) throw new Error(`invalid metric name "${name}"`);
    const known = this.metrics.get(name);
    if (known && known.type !== type) throw new Error(`metric ${name} is a ${known.type}, not a ${type}`);
    if (!known) this.metrics.set(name, { name, type, isTime, sink: new Sink(type), series: new Map() });
  }

  /** Registers the (sub)metric a threshold names, so that samples are added to it as they arrive; checks its aggregation. */
  threshold({ selector, metric, tags, aggregation }) {
    const parent = this.metrics.get(metric);
    if (!parent?.series)
      throw new Error(`threshold on unknown metric "${metric}" (custom metrics must be created in the init context)`);
    if (!AGGREGATIONS[parent.type].test(aggregation))
      throw new Error(
        `a ${parent.type} metric has no "${aggregation}"; it has ${String(AGGREGATIONS[parent.type]).slice(2, -2)}`,
      );
    if (Object.keys(tags).length && !this.metrics.has(selector))
      this.metrics.set(selector, {
        ...parent,
        name: selector,
        parent,
        tags,
        sink: new Sink(parent.type),
        series: null,
      });
  }

  add(name, value, sampleTags = {}) {
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`unknown metric ${name}`);
    const tags = { ...this.testTags, ...sampleTags };
    const key = seriesKey(tags);
    if (!metric.series.has(key)) metric.series.set(key, Object.freeze(tags));
    for (const m of this.metrics.values())
      if (m === metric || (m.parent === metric && Object.entries(m.tags).every(([k, v]) => String(tags[k]) === v)))
        m.sink.add(Number(value));
  }

  /** Does a threshold `{ selector, aggregation, operator, value }` hold? It, with `actual` and `ok`. */
  evaluate(t, elapsedSeconds) {
    const actual = this.metrics.get(t.selector).sink.aggregate(t.aggregation, elapsedSeconds);
    return {
      ...t,
      actual,
      ok: actual !== undefined && !Number.isNaN(actual) && OPERATORS[t.operator](actual, t.value),
    };
  }

  /** Every time series the run produced: `{ metric, type, isTime, tags }`, one per distinct tag set. */
  timeSeries() {
    return [...this.metrics.values()].flatMap((m) =>
      [...(m.series?.values() ?? [])].map((tags) => ({ metric: m.name, type: m.type, isTime: m.isTime, tags })),
    );
  }
}
