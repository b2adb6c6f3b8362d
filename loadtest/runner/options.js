// The script's `options`, read as k6 reads them and refused where k6 refuses them: a duration
// without a unit, a field its executor does not have, a fractional rate, a gauge threshold on
// min/max. The engine runs the subset the scripts use; any other option or executor is refused
// by name ("run it with k6"), never skipped, so a script never runs differently here unnoticed.

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `'1m30s'`, `'500ms'`, `'2h'` → ms. A bare number is refused: k6 reads `10` as 10 ms where a reader sees seconds. */
export function parseDuration(value, what = 'duration') {
  if (value === 0 || value === '0') return 0;
  const text = typeof value === 'string' ? value.trim() : '';
  if (typeof value === 'number' || /^[+-]?\d+(\.\d+)?$/.test(text)) {
    throw new Error(
      `${what}: ${JSON.stringify(value)} has no unit (k6 would read it as ${value} ms): write e.g. "${value}s" or "${value}ms"`,
    );
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`${what}: invalid duration ${JSON.stringify(value)}: use e.g. 500ms, 30s, 1m30s, 2h`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit], 0);
}

const OPTIONS = ['scenarios', 'thresholds', 'tags', 'setupTimeout', 'teardownTimeout'];

/** The script's `options`, checked; returns `{ tags, setupTimeoutMs, teardownTimeoutMs, scenarios, thresholds }`. */
export function readOptions(options) {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new Error('the script exports no options object');
  const other = Object.keys(options).find((key) => !OPTIONS.includes(key));
  if (other)
    throw new Error(
      `option "${other}" is not supported by the Node engine (it has ${OPTIONS.join(', ')}): a typo, or a k6 option — run the script with k6`,
    );
  const tags = options.tags ?? {};
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string'))
    throw new Error('options.tags must be an object of strings');
  if (!options.scenarios || Object.keys(options.scenarios).length === 0)
    throw new Error('options.scenarios is empty: the Node engine runs only scenarios (k6 would run one iteration)');
  const timeout = (name) => parseDuration(options[name] ?? '60s', `options.${name}`); // k6's default for both
  const scenarios = Object.entries(options.scenarios).map(([name, s]) => normalizeScenario(name, s));
  return {
    tags,
    setupTimeoutMs: timeout('setupTimeout'),
    teardownTimeoutMs: timeout('teardownTimeout'),
    scenarios,
    thresholds: parseThresholds(options.thresholds),
  };
}

/** The fields of each executor the engine runs (k6 decodes a scenario strictly: any other field is an error there too). */
const FIELDS = {
  'constant-vus': ['vus', 'duration'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
};

/** One scenario, checked as k6 checks it, with its durations in ms. */
export function normalizeScenario(name, s) {
  const at = (field) => `scenario ${name}: ${field}`;
  if (!s || typeof s !== 'object') throw new Error(`scenario ${name}: not an object`);
  if (!FIELDS[s.executor])
    throw new Error(
      `${at('executor')} "${s.executor}" is not supported by the Node engine (it has ${Object.keys(FIELDS).join(', ')}): run the script with k6`,
    );
  const unknown = Object.keys(s).filter(
    (k) => !['executor', 'exec', 'gracefulStop', ...FIELDS[s.executor]].includes(k),
  );
  if (unknown.length)
    throw new Error(
      `scenario ${name}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')} for ${s.executor} (k6 refuses it too, or the Node engine lacks it: run the script with k6)`,
    );
  const integer = (field, min, fallback) => {
    const value = s[field] ?? fallback;
    if (value === undefined) throw new Error(`${at(field)} is required for ${s.executor}`);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`${at(field)} must be a whole number ≥ ${min} (got ${JSON.stringify(value)})`);
    return value;
  };
  const duration = (field) => {
    const ms = parseDuration(s[field], at(field));
    if (ms < 1000) throw new Error(`${at(field)} must be at least 1s (got ${JSON.stringify(s[field])}), as in k6`);
    return ms;
  };
  const base = {
    name,
    executor: s.executor,
    exec: s.exec ?? 'default',
    gracefulStopMs: parseDuration(s.gracefulStop ?? '30s', at('gracefulStop')),
  };
  if (s.executor === 'constant-vus') return { ...base, vus: integer('vus', 1, 1), durationMs: duration('duration') };

  const preAllocatedVUs = integer('preAllocatedVUs', 0);
  const maxVUs = integer('maxVUs', 0, preAllocatedVUs);
  if (maxVUs < preAllocatedVUs) throw new Error(`${at('maxVUs')} can't be less than preAllocatedVUs`);
  const timeUnitMs = parseDuration(s.timeUnit ?? '1s', at('timeUnit'));
  if (!(timeUnitMs > 0)) throw new Error(`${at('timeUnit')} must be more than 0`);
  const pool = { ...base, preAllocatedVUs, maxVUs, timeUnitMs };
  if (s.executor === 'constant-arrival-rate') {
    const rate = integer('rate', 1);
    const durationMs = duration('duration');
    return { ...pool, startRate: rate, stages: [{ ms: durationMs, target: rate }], durationMs };
  }
  if (!Array.isArray(s.stages) || s.stages.length === 0)
    throw new Error(`scenario ${name}: at least one stage has to be specified`);
  const stages = s.stages.map((stage, i) => {
    const unknownField = Object.keys(stage ?? {}).find((k) => k !== 'duration' && k !== 'target');
    if (unknownField) throw new Error(`scenario ${name}: stage ${i} has unknown field "${unknownField}"`);
    if (!Number.isInteger(stage.target) || stage.target < 0)
      throw new Error(`scenario ${name}: stage ${i} target must be a whole number ≥ 0`);
    return { ms: parseDuration(stage.duration, `scenario ${name}: stage ${i}: duration`), target: stage.target };
  });
  return {
    ...pool,
    startRate: integer('startRate', 0, 0),
    stages,
    durationMs: stages.reduce((sum, st) => sum + st.ms, 0),
  };
}

/**
 * `options.thresholds` → one entry per expression: `{ selector, metric, tags, source, aggregation,
 * operator, value, abortOnFail, delayAbortEvalMs }`. An expression is a string or
 * `{ threshold, abortOnFail, delayAbortEval }`.
 */
export function parseThresholds(thresholds = {}) {
  return Object.entries(thresholds).flatMap(([key, list]) => {
    const selector = key.trim();
    const m = /^([A-Za-z_]\w*)(?:\{(.*)\})?$/.exec(selector);
    if (!m) throw new Error(`invalid threshold metric "${key}"`);
    const tags = {};
    for (const pair of (m[2] ?? '').split(',').filter((p) => p.trim())) {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new Error(`invalid tag filter "${pair}" in "${key}": use {tag:value}`);
      tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
    }
    return [list].flat().map((entry) => {
      const spec = typeof entry === 'string' ? { threshold: entry } : entry;
      const e = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
        spec.threshold,
      );
      if (!e) throw new Error(`invalid threshold "${spec.threshold}": use e.g. p(95)<500, rate<0.01, count>0`);
      const delayAbortEvalMs = spec.delayAbortEval
        ? parseDuration(spec.delayAbortEval, `${selector}: delayAbortEval`)
        : 0;
      return {
        selector,
        metric: m[1],
        tags,
        source: spec.threshold,
        aggregation: e[1],
        operator: e[2],
        value: Number(e[3]),
        abortOnFail: spec.abortOnFail === true,
        delayAbortEvalMs,
      };
    });
  });
}
