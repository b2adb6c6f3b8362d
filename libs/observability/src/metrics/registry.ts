import { Counter, Gauge, Histogram, Registry, register } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

// Exemplars need an OpenMetrics registry, and the type must be set before any
// metric with exemplars is created — so it is set when this module loads.
(register as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>).setContentType(
  Registry.OPENMETRICS_CONTENT_TYPE,
);

/** The process-wide registry served at /metrics. */
export const metricsRegistry = register;

/**
 * For the lib metrics every service loads (HTTP, log lines, faults): module-level, registered once per
 * process even when several Nest apps ask for them (in-process tests boot all four services in one
 * process). A service's business metrics are not declared here but beside the code that emits them, as
 * @willsoto/nestjs-prometheus providers injected with @InjectMetric.
 */
export function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter<T>(config);
}

export function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram<T>(config);
}

export function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return (register.getSingleMetric(config.name) as Gauge<T> | undefined) ?? new Gauge<T>(config);
}
