import type { CollectedSpan } from '../../../scripts/waterfall/index.js';

/**
 * Questions the findability suite asks of collected traces: where did the time
 * go (self time per service), how long did a kind of span take, which service
 * failed first, and did sibling calls overlap.
 */

export function byTrace(spans: CollectedSpan[]): Map<string, CollectedSpan[]> {
  const traces = new Map<string, CollectedSpan[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  return traces;
}

/** Total length of the union of [start, end) intervals. */
export function unionLength(intervals: [number, number][]): number {
  const sorted = intervals.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [curStart, curEnd] = [Number.NaN, Number.NaN];
  for (const [s, e] of sorted) {
    if (Number.isNaN(curStart) || s > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      [curStart, curEnd] = [s, e];
    } else {
      curEnd = Math.max(curEnd, e);
    }
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

/**
 * Self time of every span: its duration minus the time covered by its
 * children (clipped to it). Summed per service, it says where a trace's time
 * was spent rather than waited.
 */
export function selfTimeByService(spans: CollectedSpan[]): Map<string, number> {
  const children = new Map<string, CollectedSpan[]>();
  for (const span of spans) {
    if (!span.parentSpanId) continue;
    const list = children.get(span.parentSpanId);
    if (list) list.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const totals = new Map<string, number>();
  for (const span of spans) {
    const covered = unionLength(
      (children.get(span.spanId) ?? []).map((c) => [Math.max(c.startMs, span.startMs), Math.min(c.endMs, span.endMs)]),
    );
    const self = Math.max(0, span.durationMs - covered);
    totals.set(span.service, (totals.get(span.service) ?? 0) + self);
  }
  return totals;
}

/** Each service's share (0–1) of the self time of all the given traces together. */
export function selfTimeShares(traces: CollectedSpan[][]): Record<string, number> {
  const sums = new Map<string, number>();
  for (const trace of traces)
    for (const [service, ms] of selfTimeByService(trace)) sums.set(service, (sums.get(service) ?? 0) + ms);
  const total = [...sums.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries([...sums].map(([service, ms]) => [service, total > 0 ? ms / total : 0]));
}

/** The service that spent the most self time. */
export function dominantService(shares: Record<string, number>): string | undefined {
  return Object.entries(shares).sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Where each failed trace failed first: the service of its deepest error span (ties: the earliest). */
export function firstFailingServices(traces: CollectedSpan[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const trace of traces) {
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const depth = (s: CollectedSpan): number => {
      let d = 0;
      for (
        let p = s.parentSpanId && byId.get(s.parentSpanId);
        p;
        p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined
      )
        d++;
      return d;
    };
    const errors = trace.filter((s) => s.status === 'error');
    if (errors.length === 0) continue;
    const deepest = errors.sort((a, b) => depth(b) - depth(a) || a.startMs - b.startMs)[0]!;
    counts[deepest.service] = (counts[deepest.service] ?? 0) + 1;
  }
  return counts;
}

/** Largest number of the matching child spans of one parent that were running at the same moment. */
export function maxOverlap(spans: CollectedSpan[]): number {
  const edges = spans.flatMap((s) => [
    [s.startMs, 1],
    [s.endMs, -1],
  ]) as [number, number][];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (running += delta));
  return max;
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Whether every span's parent is in the list: a trace whose spans have all arrived (the root aside). */
export function isConnected(spans: CollectedSpan[]): boolean {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
}
