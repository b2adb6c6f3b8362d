/** Small statistics over run results: percentiles, medians, ratios. */

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

/** The median over runs of `pick(run)`; `pick` may return undefined for runs without the figure. */
export function medianOf(runs, pick) {
  return median(runs.map(pick).filter((v) => v !== undefined));
}
