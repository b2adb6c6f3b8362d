import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { Metrics, percentile } from '../../../loadtest/runner/metrics.js';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { checkAggregation, holds, normalizeThresholds, parseExpression, parseSelector } from '../../../loadtest/runner/thresholds.js';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { parseDuration } from '../../../loadtest/runner/schedule.js';

describe('threshold syntax', () => {
  it('reads a metric with tag filters', () => {
    expect(parseSelector('http_req_duration{endpoint:create_order,method:POST}')).toEqual({
      metric: 'http_req_duration',
      tags: { endpoint: 'create_order', method: 'POST' },
    });
    expect(parseSelector('checks')).toEqual({ metric: 'checks', tags: {} });
  });

  it('reads aggregation, operator and value, spaces or not', () => {
    expect(parseExpression('p(95)<500')).toEqual({ aggregation: 'p(95)', operator: '<', value: 500 });
    expect(parseExpression('p(99.9) <= 1200')).toEqual({ aggregation: 'p(99.9)', operator: '<=', value: 1200 });
    expect(parseExpression('rate==1')).toEqual({ aggregation: 'rate', operator: '==', value: 1 });
    expect(() => parseExpression('p95 < 500ms')).toThrow(/invalid threshold/);
  });

  it('flattens strings and { threshold, abortOnFail, delayAbortEval } objects', () => {
    const list = normalizeThresholds(
      { http_req_failed: ['rate<0.01'], 'http_req_duration{endpoint:x}': [{ threshold: 'p(95)<300', abortOnFail: true, delayAbortEval: '10s' }] },
      parseDuration,
    );
    expect(list).toMatchObject([
      { selector: 'http_req_failed', source: 'rate<0.01', abortOnFail: false },
      { selector: 'http_req_duration{endpoint:x}', metric: 'http_req_duration', tags: { endpoint: 'x' }, abortOnFail: true, delayAbortEvalMs: 10_000 },
    ]);
  });

  it('refuses an aggregation the metric type does not have', () => {
    expect(() => checkAggregation('rate', 'p(95)')).toThrow(/a rate metric has no "p\(95\)"/);
    expect(() => checkAggregation('trend', 'p(95)')).not.toThrow();
    expect(() => checkAggregation('counter', 'count')).not.toThrow();
    // k6's gauge thresholds have `value` only: min and max are in its summary, not in its threshold sinks.
    expect(() => checkAggregation('gauge', 'value')).not.toThrow();
    expect(() => checkAggregation('gauge', 'max')).toThrow(/a gauge metric has no "max"; it has value$/);
    expect(() => checkAggregation('gauge', 'min')).toThrow(/a gauge metric has no "min"/);
  });
});

describe('evaluation against the metric store', () => {
  it('computes percentiles by linear interpolation between ranks, as k6 does', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([10, 20], 50)).toBe(15);
    expect(percentile([], 95)).toBe(0);
  });

  it('feeds a tag-filtered submetric only the samples that match', () => {
    const metrics = new Metrics();
    const sub = metrics.submetric('http_req_duration{endpoint:create_order}', 'http_req_duration', { endpoint: 'create_order' });
    for (const [ms, endpoint] of [[100, 'create_order'], [900, 'create_order'], [5000, 'list_orders']] as const) {
      metrics.add('http_req_duration', ms, { endpoint });
    }
    expect(sub.sink.summary().max).toBe(900);
    expect(metrics.get('http_req_duration').sink.summary().max).toBe(5000);
  });

  it('passes and fails thresholds on the aggregated value', () => {
    const metrics = new Metrics();
    for (let i = 0; i < 99; i++) metrics.add('http_req_failed', 0);
    metrics.add('http_req_failed', 1);
    const rate = metrics.get('http_req_failed').sink.aggregate('rate');
    expect(rate).toBeCloseTo(0.01);
    expect(holds(parseExpression('rate<0.02'), rate)).toBe(true);
    expect(holds(parseExpression('rate<0.01'), rate)).toBe(false);
    for (let i = 0; i < 10; i++) metrics.add('http_reqs', 1);
    expect(metrics.get('http_reqs').sink.summary(5)).toEqual({ count: 10, rate: 2 });
  });

  it('refuses a threshold on a metric nobody defined', () => {
    expect(() => new Metrics().submetric('nope{a:b}', 'nope', { a: 'b' })).toThrow(/unknown metric "nope"/);
  });
});
