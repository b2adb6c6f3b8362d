import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { Metrics } from '../../../loadtest/runner/metrics.js';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { summaryData, textSummary } from '../../../loadtest/runner/summary.js';

function run() {
  const metrics = new Metrics();
  metrics.threshold({
    selector: 'http_req_duration{endpoint:get_order}',
    metric: 'http_req_duration',
    tags: { endpoint: 'get_order' },
    aggregation: 'p(95)',
  });
  for (const ms of [10, 20, 30]) metrics.add('http_req_duration', ms, { endpoint: 'get_order' });
  for (const ok of [1, 1, 0]) metrics.add('checks', ok);
  const checks = new Map([
    ['get_order: 200', { name: 'get_order: 200', path: '::get_order: 200', passes: 2, fails: 1 }],
  ]);
  const thresholdResults = [
    { selector: 'http_req_duration{endpoint:get_order}', source: 'p(95)<25', aggregation: 'p(95)', ok: false },
    { selector: 'checks', source: 'rate>0.5', aggregation: 'rate', ok: true },
  ];
  return summaryData({ metrics, checks, thresholdResults, durationMs: 3000 });
}

describe('summaryData()', () => {
  it('has the shape of k6 handleSummary() data: metrics with values and threshold results, checks', () => {
    const data = run();
    expect(data.metrics['http_req_duration{endpoint:get_order}']).toMatchObject({
      type: 'trend',
      contains: 'time',
      values: { avg: 20, min: 10, med: 20, max: 30 },
      thresholds: { 'p(95)<25': { ok: false } },
    });
    expect(data.metrics.checks).toMatchObject({
      type: 'rate',
      values: { passes: 2, fails: 1 },
      thresholds: { 'rate>0.5': { ok: true } },
    });
    expect(data.root_group.checks).toEqual([{ name: 'get_order: 200', path: '::get_order: 200', passes: 2, fails: 1 }]);
    expect(data.state.testRunDurationMs).toBe(3000);
    expect(data.metrics.http_reqs, 'metrics without samples are left out').toBeUndefined();
  });
});

describe('textSummary()', () => {
  it('marks failed checks, and metrics whose thresholds fail, and breaks latency down by tag', () => {
    const text = textSummary(run());
    expect(text).toContain('✗ get_order: 200');
    expect(text).toContain('↳  66% — ✓ 2 / ✗ 1');
    expect(text).toMatch(
      /✗ http_req_duration\{endpoint:get_order\}\.+: avg=20\.00ms min=10\.00ms med=20\.00ms max=30\.00ms p\(90\)=28\.00ms p\(95\)=29\.00ms/,
    );
    expect(text).toMatch(/✓ checks\.+: 66\.67%  2 out of 3/);
  });
});
