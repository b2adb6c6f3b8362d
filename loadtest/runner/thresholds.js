// k6's threshold syntax: a metric selector with optional tag filters
// (`http_req_duration{endpoint:create_order}`), and expressions over an
// aggregation of that metric (`p(95)<500`, `rate<0.01`, `count>0`, `avg<=200`).

const OPERATORS = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Which aggregations each metric type has (k6's names). */
export const AGGREGATIONS = {
  trend: /^(avg|min|max|med|p\((\d+(?:\.\d+)?)\))$/,
  rate: /^rate$/,
  counter: /^(count|rate)$/,
  gauge: /^value$/, // k6 has no min/max thresholds on a gauge (the summary shows them, thresholds can't use them)
};

/** `http_req_duration{endpoint:create_order,method:POST}` → `{ metric, tags }`. */
export function parseSelector(selector) {
  const m = /^([A-Za-z_][\w]*)(?:\{(.*)\})?$/.exec(selector.trim());
  if (!m) throw new Error(`invalid threshold metric "${selector}"`);
  const tags = {};
  for (const pair of (m[2] ?? '').split(',').filter((p) => p.trim())) {
    const at = pair.indexOf(':');
    if (at <= 0) throw new Error(`invalid tag filter "${pair}" in "${selector}": use {tag:value}`);
    tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return { metric: m[1], tags };
}

/** `'p(95) < 500'` → `{ aggregation: 'p(95)', operator: '<', value: 500 }`. */
export function parseExpression(source) {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(source);
  if (!m) throw new Error(`invalid threshold "${source}": use e.g. p(95)<500, rate<0.01, count>0`);
  return { aggregation: m[1], operator: m[2], value: Number(m[3]) };
}

/**
 * `options.thresholds` → a flat list, one entry per expression. An expression
 * is a string or `{ threshold, abortOnFail, delayAbortEval }`.
 */
export function normalizeThresholds(thresholds = {}, parseDurationMs = () => 0) {
  return Object.entries(thresholds).flatMap(([selector, list]) => {
    const { metric, tags } = parseSelector(selector);
    return (Array.isArray(list) ? list : [list]).map((entry) => {
      const spec = typeof entry === 'string' ? { threshold: entry } : entry;
      return {
        selector: selector.trim(),
        metric,
        tags,
        source: spec.threshold,
        ...parseExpression(spec.threshold),
        abortOnFail: spec.abortOnFail === true,
        delayAbortEvalMs: spec.delayAbortEval ? parseDurationMs(spec.delayAbortEval) : 0,
      };
    });
  });
}

/** Whether an aggregation exists for a metric type (k6 refuses `p(95)` on a rate, for example). */
export function checkAggregation(type, aggregation) {
  if (!AGGREGATIONS[type]?.test(aggregation)) {
    throw new Error(`a ${type} metric has no "${aggregation}"; it has ${String(AGGREGATIONS[type]).slice(2, -2)}`);
  }
}

/** Does the expression hold for this aggregated value? No samples at all passes, as in k6 (NaN for a trend fails). */
export function holds(threshold, value) {
  if (value === undefined || Number.isNaN(value)) return false;
  return OPERATORS[threshold.operator](value, threshold.value);
}
