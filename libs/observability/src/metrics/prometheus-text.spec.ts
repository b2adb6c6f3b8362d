import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { toPrometheusText } from './prometheus-text.js';

describe('toPrometheusText()', () => {
  it('renders an OpenMetrics registry in the classic text format without exemplars', async () => {
    const registry = new Registry() as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>;
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const counter = new Counter({
      name: 'orders_created_total',
      help: 'Orders.',
      labelNames: ['status'],
      registers: [registry],
    });
    const histogram = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration.',
      labelNames: ['route'],
      buckets: [0.1, 1],
      registers: [registry],
      enableExemplars: true,
    });
    counter.inc({ status: 'paid' }, 2);
    histogram.observe({ labels: { route: '/api/orders' }, value: 0.05, exemplarLabels: { trace_id: 'abc' } as never });
    await registry.metrics(); // OpenMetrics output renames counters; the text format must still say _total

    const text = toPrometheusText(await registry.getMetricsAsJSON());
    expect(text).toContain('# TYPE orders_created_total counter');
    expect(text).toContain('orders_created_total{status="paid"} 2');
    expect(text).toContain('http_server_request_duration_seconds_bucket{le="0.1",route="/api/orders"} 1');
    expect(text).toContain('http_server_request_duration_seconds_bucket{le="+Inf",route="/api/orders"} 1');
    expect(text).toContain('http_server_request_duration_seconds_count{route="/api/orders"} 1');
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain('# EOF');
  });

  it('escapes label values', () => {
    const text = toPrometheusText([
      {
        name: 'x',
        help: 'h',
        type: 'gauge',
        aggregator: 'sum',
        values: [{ value: 1, labels: { path: 'a"b\\c' } }],
      } as never,
    ]);
    expect(text).toContain('x{path="a\\"b\\\\c"} 1');
  });
});
