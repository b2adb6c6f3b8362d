// The timing math of the executors, kept pure so it can be unit-tested:
// k6 duration strings, VU targets along ramping stages, and the start times of
// iterations under a (ramping) arrival rate.

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `'1m30s'`, `'500ms'`, `'2h'`, `'1d12h'` → ms. A duration must name its unit: k6 reads a bare
 * number (`10`, `'10'`) as milliseconds, where a reader (and this engine before) sees
 * seconds, so both are refused here rather than run ten seconds under one engine and ten
 * milliseconds under the other. Only zero needs no unit.
 */
export function parseDuration(value, what = 'duration') {
  if (value === 0 || value === '0') return 0;
  const text = typeof value === 'string' ? value.trim() : '';
  if (typeof value === 'number' || /^[+-]?\d+(\.\d+)?$/.test(text)) {
    throw new Error(`${what}: ${JSON.stringify(value)} has no unit (k6 would read it as ${value} ms): write e.g. "${value}s" or "${value}ms"`);
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`${what}: invalid duration ${JSON.stringify(value)}: use e.g. 500ms, 30s, 1m30s, 2h`);
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit], 0);
}

/** ms → a short k6-style duration: `1m30s`, `2.5s`, `120ms`. */
export function formatDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round(((ms % 60_000) / 1000) * 10) / 10;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** Stages with their durations in ms: `[{ duration: '30s', target: 10 }]` → `[{ ms: 30000, target: 10 }]`. */
export function normalizeStages(stages = []) {
  return stages.map((stage, i) => {
    const target = Number(stage.target);
    if (!Number.isFinite(target) || target < 0) throw new Error(`stage ${i}: target must be a number ≥ 0`);
    return { ms: parseDuration(stage.duration, `stage ${i}: duration`), target };
  });
}

export const totalDuration = (stages) => stages.reduce((sum, s) => sum + s.ms, 0);

/**
 * The value a ramping executor aims at `t` ms after its start: linear from the
 * previous stage's target (or `start`) to this stage's target. Past the last
 * stage, the last target.
 */
export function targetAt(start, stages, t) {
  let from = start;
  let elapsed = 0;
  for (const stage of stages) {
    if (t < elapsed + stage.ms) return from + ((stage.target - from) * (t - elapsed)) / stage.ms;
    elapsed += stage.ms;
    from = stage.target;
  }
  return from;
}

/** ramping-vus: how many VUs should be running at `t` (k6 rounds down while ramping). */
export function vusAt(startVUs, stages, t) {
  return Math.floor(targetAt(startVUs, stages, t) + 1e-9);
}

/**
 * Start offsets (ms) of the iterations of an arrival-rate executor: the k-th
 * iteration starts when the integral of the rate reaches k. `rate` is
 * iterations per `timeUnit` ms; each stage ramps linearly from the previous
 * rate to its target. A constant rate is one stage from `rate` to `rate`.
 * A generator: a soak of hours needs no array of every start time.
 */
export function* arrivalOffsets(startRate, stages, timeUnit = 1000) {
  let from = startRate;
  let base = 0; // iterations due before this stage
  let elapsed = 0;
  let k = 0;
  for (const stage of stages) {
    const a = (stage.target - from) / (2 * stage.ms * timeUnit); // N(t) = a t² + b t
    const b = from / timeUnit;
    const inStage = a * stage.ms * stage.ms + b * stage.ms;
    while (k < base + inStage - 1e-9) {
      const c = k - base;
      const t = Math.abs(a) < 1e-15 ? c / b : (-b + Math.sqrt(Math.max(0, b * b + 4 * a * c))) / (2 * a);
      yield elapsed + t;
      k++;
    }
    base += inStage;
    elapsed += stage.ms;
    from = stage.target;
  }
}
