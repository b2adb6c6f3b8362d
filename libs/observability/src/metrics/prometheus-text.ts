import type { MetricObjectWithValues, MetricValue } from 'prom-client';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labels(set: Record<string, string | number> | undefined): string {
  const parts = Object.entries(set ?? {}).map(
    ([k, v]) => `${k}="${escapeLabel(k === 'le' && typeof v === 'number' ? formatValue(v) : String(v))}"`,
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * The classic Prometheus text format (0.0.4) for a client that did not ask for
 * OpenMetrics: same metrics, no exemplars, counters named with their `_total`.
 */
export function toPrometheusText(metrics: MetricObjectWithValues<MetricValue<string>>[]): string {
  const blocks = metrics.map((metric) => {
    const name =
      String(metric.type) === 'counter' && !metric.name.endsWith('_total') ? `${metric.name}_total` : metric.name;
    const lines = [
      `# HELP ${name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
      `# TYPE ${name} ${metric.type}`,
    ];
    for (const v of metric.values as (MetricValue<string> & { metricName?: string })[]) {
      const sample = String(metric.type) === 'counter' ? name : (v.metricName ?? name);
      lines.push(`${sample}${labels(v.labels as Record<string, string | number>)} ${formatValue(v.value)}`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
