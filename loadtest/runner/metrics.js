// The metric store of the Node engine: k6's four metric types, built-in HTTP and
// execution metrics, and submetrics (a metric filtered by tags) registered by
// the thresholds that name them, fed as samples arrive.

/** Nearest-rank percentile with linear interpolation, as k6 computes it. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0; // k6 reports 0 for a trend without samples
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

class Sink {
  constructor(type) {
    this.type = type;
    this.count = 0;
    this.sum = 0;
    this.passes = 0;
    this.values = type === 'trend' ? [] : undefined;
    this.min = Infinity;
    this.max = -Infinity;
    this.last = NaN;
    this.sorted = true;
  }

  add(value) {
    this.count++;
    this.sum += value;
    if (value !== 0) this.passes++;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    this.last = value;
    if (this.values) {
      this.values.push(value);
      this.sorted = false;
    }
  }

  /** The aggregation a threshold names, e.g. `p(95)`, `rate`, `count`. */
  aggregate(name, elapsedSeconds) {
    const v = this.summary(elapsedSeconds);
    return v[name];
  }

  /** Every aggregation of this type, keyed as in k6's summary data. */
  summary(elapsedSeconds = 1) {
    switch (this.type) {
      case 'trend': {
        if (!this.sorted) {
          this.values.sort((a, b) => a - b);
          this.sorted = true;
        }
        const v = this.values;
        const p = (n) => percentile(v, n);
        return new Proxy(
          { avg: v.length ? this.sum / v.length : 0, min: v.length ? v[0] : 0, med: p(50), max: v.length ? v.at(-1) : 0, 'p(90)': p(90), 'p(95)': p(95), 'p(99)': p(99) },
          { get: (target, key) => (typeof key === 'string' && /^p\(/.test(key) && !(key in target) ? p(Number(key.slice(2, -1))) : target[key]) },
        );
      }
      case 'rate':
        return { rate: this.count ? this.passes / this.count : 0, passes: this.passes, fails: this.count - this.passes };
      case 'counter':
        return { count: this.sum, rate: elapsedSeconds > 0 ? this.sum / elapsedSeconds : 0 };
      case 'gauge':
        return { value: this.count ? this.last : 0, min: this.count ? this.min : 0, max: this.count ? this.max : 0 };
      default:
        throw new Error(`unknown metric type ${this.type}`);
    }
  }
}

const BUILT_IN = {
  http_reqs: ['counter', false],
  http_req_duration: ['trend', true],
  http_req_failed: ['rate', false],
  checks: ['rate', false],
  iterations: ['counter', false],
  iteration_duration: ['trend', true],
  dropped_iterations: ['counter', false],
  vus: ['gauge', false],
  vus_max: ['gauge', false],
};

const matches = (filter, tags) => Object.entries(filter).every(([k, v]) => String(tags[k]) === v);

/** A tag set as a stable key: k6's time series is (metric, tag set), whatever the order of the tags. */
const seriesKey = (tags) => JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class Metrics {
  /** `testTags`: options.tags, on every sample as in k6 (a sample's own tags win). */
  constructor(testTags = {}) {
    this.testTags = { ...testTags };
    this.metrics = new Map();
    this.submetrics = new Map(); // "name{a:b}" → { parent, tags, sink }
    for (const [name, [type, isTime]] of Object.entries(BUILT_IN)) this.define(name, type, isTime);
  }

  /** Registers a metric (a custom one from k6/metrics, or a built-in); a second call with the same type is a no-op. */
  define(name, type, isTime = false) {
    if (!/^[A-Za-z_][\w]{0,127}$/.test(name)) throw new Error(`invalid metric name "${name}"`);
    const known = this.metrics.get(name);
    if (known && known.type !== type) throw new Error(`metric ${name} is a ${known.type}, not a ${type}`);
    if (!known) this.metrics.set(name, { name, type, isTime, sink: new Sink(type), seen: false, series: new Map() });
    return this.metrics.get(name);
  }

  /** A submetric a threshold names; samples are added to it as they arrive. */
  submetric(selector, metric, tags) {
    const parent = this.metrics.get(metric);
    if (!parent) throw new Error(`threshold on unknown metric "${metric}" (custom metrics must be created in the init context)`);
    if (Object.keys(tags).length === 0) return parent;
    if (!this.submetrics.has(selector)) {
      this.submetrics.set(selector, { name: selector, parent, tags, type: parent.type, isTime: parent.isTime, sink: new Sink(parent.type), seen: false });
    }
    return this.submetrics.get(selector);
  }

  add(name, value, sampleTags = {}) {
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`unknown metric ${name}`);
    const tags = { ...this.testTags, ...sampleTags };
    metric.sink.add(Number(value));
    metric.seen = true;
    // Every distinct tag set, as k6 keeps one time series per (metric, tags): what outputs see.
    const key = seriesKey(tags);
    if (!metric.series.has(key)) metric.series.set(key, Object.freeze({ ...tags }));
    for (const sub of this.submetrics.values()) {
      if (sub.parent === metric && matches(sub.tags, tags)) {
        sub.sink.add(Number(value));
        sub.seen = true;
      }
    }
  }

  get(selector) {
    return this.metrics.get(selector) ?? this.submetrics.get(selector);
  }

  /** Every time series the run produced: `{ metric, type, isTime, tags }`, one per distinct tag set. */
  timeSeries() {
    return [...this.metrics.values()].flatMap((m) => [...m.series.values()].map((tags) => ({ metric: m.name, type: m.type, isTime: m.isTime, tags })));
  }

  /** Metrics and submetrics that received samples (k6 leaves unused ones out of the summary). */
  all() {
    return [...this.metrics.values(), ...this.submetrics.values()];
  }
}
