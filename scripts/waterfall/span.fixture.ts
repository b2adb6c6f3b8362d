import type { CollectedSpan } from './collected-span.js';

/** A finished span for tests; times in ms from 0, parent and everything else optional. */
export function span(
  spanId: string,
  startMs: number,
  endMs: number,
  more: Partial<Omit<CollectedSpan, 'spanId' | 'startMs' | 'endMs' | 'durationMs'>> = {},
): CollectedSpan {
  return {
    traceId: 'f'.repeat(32),
    spanId,
    name: spanId,
    service: 'svc',
    kind: 'server',
    attributes: {},
    status: 'unset',
    links: [],
    ...more,
    startMs,
    endMs,
    durationMs: endMs - startMs,
  };
}
