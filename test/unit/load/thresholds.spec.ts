import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { Metrics, percentile } from '../../../loadtest/runner/metrics.js';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { parseThresholds } from '../../../loadtest/runner/options.js';

interface Threshold {
  selector: string;
  aggregation: string;
}

/** The thresholds of `options.thresholds`, registered in a fresh metric store. */
function register(thresholds: Record<string, unknown>) {
  const metrics = new Metrics();
  const list = parseThresholds(thresholds) as Threshold[];
  for (const t of list) metrics.threshold(t);
  return { metrics, list };
}

describe('threshold syntax', () => {
  it('reads a metric with tag filters, and aggregation, operator and value, spaces or not', () => {
    expect(
      parseThresholds({
        'http_req_duration{endpoint:create_order,method:POST}': ['p(99.9) <= 1200'],
        checks: 'rate==1',
      }),
    ).toMatchObject([
      {
        selector: 'http_req_duration{endpoint:create_order,method:POST}',
        metric: 'http_req_duration',
        tags: { endpoint: 'create_order', method: 'POST' },
        aggregation: 'p(99.9)',
        operator: '<=',
        value: 1200,
      },
      { selector: 'checks', metric: 'checks', tags: {}, aggregation: 'rate', operator: '==', value: 1 },
    ]);
    expect(() => parseThresholds({ http_req_duration: ['p95 < 500ms'] })).toThrow(/invalid threshold "p95 < 500ms"/);
    expect(() => parseThresholds({ 'http_req_duration{endpoint}': ['max<1'] })).toThrow(
      /invalid tag filter "endpoint"/,
    );
  });

  it('flattens strings and { threshold, abortOnFail, delayAbortEval } objects', () => {
    const list = parseThresholds({
      http_req_failed: ['rate<0.01'],
      'http_req_duration{endpoint:x}': [{ threshold: 'p(95)<300', abortOnFail: true, delayAbortEval: '10s' }],
    });
    expect(list).toMatchObject([
      { selector: 'http_req_failed', source: 'rate<0.01', abortOnFail: false },
      {
        selector: 'http_req_duration{endpoint:x}',
        metric: 'http_req_duration',
        tags: { endpoint: 'x' },
        abortOnFail: true,
        delayAbortEvalMs: 10_000,
      },
    ]);
  });

  it('refuses an aggregation the metric type does not have', () => {
    expect(() => register({ checks: ['p(95)<1'] })).toThrow(/a rate metric has no "p\(95\)"/);
    expect(() => register({ http_req_duration: ['p(95)<1'], http_reqs: ['count>0'] })).not.toThrow();
    // k6's gauge thresholds have `value` only: min and max are in its summary, not in its threshold sinks.
    const gauge = (aggregation: string) => {
      const metrics = new Metrics();
      metrics.define('queue', 'gauge');
      return () => metrics.threshold(parseThresholds({ queue: [`${aggregation}<10`] })[0]);
    };
    expect(gauge('value')).not.toThrow();
    expect(gauge('max')).toThrow(/a gauge metric has no "max"; it has value$/);
    expect(gauge('min')).toThrow(/a gauge metric has no "min"/);
  });

  it('refuses a threshold on a metric nobody defined', () => {
    expect(() => register({ 'nope{a:b}': ['count>0'] })).toThrow(/unknown metric "nope"/);
  });
});

describe('evaluation against the metric store', () => {
  it('computes percentiles by linear interpolation between ranks, as k6 does', () => {
    expect(
      percentile(
        Array.from({ length: 101 }, (_, i) => i),
        95,
      ),
    ).toBe(95);
    expect(percentile([10, 20], 50)).toBe(15);
    expect(percentile([], 95)).toBe(0);
  });

  it('feeds a tag-filtered submetric only the samples that match', () => {
    const { metrics, list } = register({
      'http_req_duration{endpoint:create_order}': ['max<1000'],
      http_req_duration: ['max<1000'],
    });
    for (const [ms, endpoint] of [
      [100, 'create_order'],
      [900, 'create_order'],
      [5000, 'list_orders'],
    ] as const)
      metrics.add('http_req_duration', ms, { endpoint });
    expect(list.map((t) => metrics.evaluate(t, 1))).toMatchObject([
      { actual: 900, ok: true },
      { actual: 5000, ok: false },
    ]);
  });

  it('passes and fails thresholds on the aggregated value; no samples at all passes a p95 but not a count', () => {
    const { metrics, list } = register({
      http_req_failed: ['rate<0.02', 'rate<0.01'],
      http_reqs: ['count>0'],
      http_req_duration: ['p(95)<500'],
    });
    const results = () => list.map((t) => metrics.evaluate(t, 5).ok);
    expect(results()).toEqual([true, true, false, true]);
    for (let i = 0; i < 99; i++) metrics.add('http_req_failed', 0);
    metrics.add('http_req_failed', 1);
    for (let i = 0; i < 10; i++) metrics.add('http_reqs', 1);
    expect(results()).toEqual([true, false, true, true]);
    expect(metrics.evaluate({ selector: 'http_reqs', aggregation: 'rate', operator: '==', value: 2 }, 5).ok).toBe(true);
  });
});
