import type { CollectedSpan } from '../../scripts/waterfall/index.js';
import { describe, expect, it } from 'vitest';
import {
  dominantService,
  firstFailingServices,
  maxOverlap,
  quantile,
  selfTimeByService,
  selfTimeShares,
  unionLength,
} from '../integration/support/trace-analysis.js';

let next = 0;
function span(
  service: string,
  startMs: number,
  endMs: number,
  parent?: CollectedSpan,
  patch: Partial<CollectedSpan> = {},
): CollectedSpan {
  return {
    traceId: parent?.traceId ?? 't1',
    spanId: `s${next++}`,
    parentSpanId: parent?.spanId,
    name: `${service} work`,
    service,
    kind: 'internal',
    startMs,
    endMs,
    durationMs: endMs - startMs,
    attributes: {},
    status: 'unset',
    links: [],
    ...patch,
  };
}

describe('trace analysis for the findability suite', () => {
  it('measures the union of overlapping intervals once', () => {
    expect(
      unionLength([
        [0, 10],
        [5, 15],
        [20, 30],
      ]),
    ).toBe(25);
    expect(unionLength([])).toBe(0);
  });

  it('attributes time to the service that spent it, not to the callers waiting', () => {
    const gateway = span('gateway', 0, 100);
    const order = span('order', 5, 95, gateway);
    const payment = span('payment', 10, 90, order);
    const self = selfTimeByService([gateway, order, payment]);
    expect(Object.fromEntries(self)).toEqual({ gateway: 10, order: 10, payment: 80 });
    expect(dominantService(selfTimeShares([[gateway, order, payment]]))).toBe('payment');
  });

  it('clips children that outlive their parent (asynchronous consumers)', () => {
    const order = span('order', 0, 10);
    const consumer = span('notification', 5, 50, order);
    expect(Object.fromEntries(selfTimeByService([order, consumer]))).toEqual({ order: 5, notification: 45 });
  });

  it('finds the service where a failed trace failed first', () => {
    const gateway = span('gateway', 0, 10, undefined, { status: 'error', traceId: 't2' });
    const order = span('order', 1, 9, gateway, { status: 'error' });
    const payment = span('payment', 2, 8, order, { status: 'error' });
    const ok = span('gateway', 0, 1, undefined, { traceId: 't3' });
    expect(firstFailingServices([[gateway, order, payment], [ok]])).toEqual({ payment: 1 });
  });

  it('tells parallel calls from sequential ones', () => {
    expect(maxOverlap([span('g', 0, 10), span('g', 1, 11), span('g', 2, 12)])).toBe(3);
    expect(maxOverlap([span('g', 0, 10), span('g', 10, 20), span('g', 20, 30)])).toBe(1);
  });

  it('takes nearest-rank quantiles', () => {
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 4, 2, 3], 0.95)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
