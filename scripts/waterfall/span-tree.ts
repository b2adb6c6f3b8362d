import type { CollectedSpan } from './collected-span.js';

export interface SpanRow {
  span: CollectedSpan;
  depth: number;
  parent?: CollectedSpan;
  /** Has a parent id that is not among the spans (not received yet, or dropped). */
  orphan: boolean;
}

/** Earlier start first; on a tie the longer span first, so an enclosing span precedes its content. */
function byStart(a: CollectedSpan, b: CollectedSpan): number {
  return a.startMs - b.startMs || b.endMs - a.endMs || a.spanId.localeCompare(b.spanId);
}

/**
 * Depth-first rows, children by start time. Real roots come first, then
 * orphans as extra roots; spans caught in a parent cycle are rendered as orphans
 * too, so every span appears exactly once.
 */
export function orderSpanTree(spans: readonly CollectedSpan[]): SpanRow[] {
  const byId = new Map<string, CollectedSpan>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  const children = new Map<string, CollectedSpan[]>();
  const roots: CollectedSpan[] = [];
  const orphans: CollectedSpan[] = [];
  for (const span of byId.values()) {
    const parentId = span.parentSpanId;
    if (parentId === undefined || parentId === span.spanId) roots.push(span);
    else if (!byId.has(parentId)) orphans.push(span);
    else children.set(parentId, [...(children.get(parentId) ?? []), span]);
  }
  const rows: SpanRow[] = [];
  const seen = new Set<CollectedSpan>();
  const walk = (root: CollectedSpan, orphan: boolean) => {
    const stack: { span: CollectedSpan; depth: number; parent?: CollectedSpan }[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth, parent } = stack.pop()!;
      if (seen.has(span)) continue;
      seen.add(span);
      rows.push({ span, depth, parent, orphan: depth === 0 && orphan });
      const kids = [...(children.get(span.spanId) ?? [])].sort(byStart).reverse();
      for (const kid of kids) stack.push({ span: kid, depth: depth + 1, parent: span });
    }
  };
  for (const root of roots.sort(byStart)) walk(root, false);
  for (const root of orphans.sort(byStart)) walk(root, true);
  for (const span of [...byId.values()].sort(byStart)) if (!seen.has(span)) walk(span, true);
  return rows;
}
