/**
 * Every module that declares metrics, by path, as the services load it: the lib metrics every
 * service registers when it loads @app/observability or @app/faults (module-level prom-client
 * metrics), and each service's business metrics (@willsoto/nestjs-prometheus provider lists,
 * provided by its feature modules). codeMetrics() in grafana.ts reads the metrics themselves from
 * these, so docs and dashboard checks know every metric without parsing TypeScript.
 */
import { Counter, Gauge, Histogram, type Metric, Summary, register } from 'prom-client';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as httpMetrics from '../../../libs/observability/src/metrics/http-metrics.js';
import * as logMetrics from '../../../libs/observability/src/metrics/log-metrics.js';
import * as faultRegistry from '../../../libs/faults/src/fault-registry.js';
import * as dbPoolMetrics from '../../../libs/common/src/database/db-pool.metrics.js';
import * as orderMetrics from '../../../apps/order/src/orders/order.metrics.js';
import * as outboxMetrics from '../../../apps/order/src/outbox/outbox.metrics.js';
import * as paymentMetrics from '../../../apps/payment/src/payments/payment.metrics.js';
import * as notificationMetrics from '../../../apps/notification/src/notifications/notification.metrics.js';
import * as orderEventsMetrics from '../../../apps/notification/src/notifications/order-events.metrics.js';
import * as alertMetrics from '../../../apps/notification/src/alerts/alerts.metrics.js';

export const METRIC_MODULES: Readonly<Record<string, Record<string, unknown>>> = {
  'libs/observability/src/metrics/http-metrics.ts': httpMetrics,
  'libs/observability/src/metrics/log-metrics.ts': logMetrics,
  'libs/faults/src/fault-registry.ts': faultRegistry,
  'libs/common/src/database/db-pool.metrics.ts': dbPoolMetrics,
  'apps/order/src/orders/order.metrics.ts': orderMetrics,
  'apps/order/src/outbox/outbox.metrics.ts': outboxMetrics,
  'apps/payment/src/payments/payment.metrics.ts': paymentMetrics,
  'apps/notification/src/notifications/notification.metrics.ts': notificationMetrics,
  'apps/notification/src/notifications/order-events.metrics.ts': orderEventsMetrics,
  'apps/notification/src/alerts/alerts.metrics.ts': alertMetrics,
};

export interface DeclaredMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  /** The declaring module, relative to the repository root. */
  file: string;
}

interface MetricProvider {
  provide: string;
  useFactory: (...deps: unknown[]) => unknown;
}

const isMetricProvider = (value: unknown): value is MetricProvider =>
  typeof value === 'object' &&
  value !== null &&
  String((value as MetricProvider).provide).startsWith('PROM_METRIC_') &&
  typeof (value as MetricProvider).useFactory === 'function';

function typeOf(metric: unknown): DeclaredMetric['type'] | undefined {
  if (metric instanceof Histogram) return 'histogram';
  if (metric instanceof Summary) return 'summary';
  if (metric instanceof Counter) return 'counter';
  if (metric instanceof Gauge) return 'gauge';
  return undefined;
}

/**
 * The metrics a module declares: its exported metrics, and the metric each exported provider
 * creates (its factory run with no dependencies: a `collect` is never called here).
 */
function metricsOf(exports: Record<string, unknown>): Metric[] {
  return Object.values(exports).flatMap((value) => {
    if (typeOf(value)) return [value as Metric];
    const providers = (Array.isArray(value) ? value : [value]).filter(isMetricProvider);
    return providers.map((provider) => provider.useFactory(undefined) as Metric);
  });
}

/** Every metric the services declare, with its declaring module. */
export function declaredMetrics(): DeclaredMetric[] {
  return Object.entries(METRIC_MODULES).flatMap(([file, exports]) =>
    metricsOf(exports).map((metric) => ({
      name: (metric as unknown as { name: string }).name,
      type: typeOf(metric)!,
      file,
    })),
  );
}

/** Files that look like metric modules (`*.metrics.ts`, `*-metrics.ts`) under apps/ and libs/, spec files left out. */
export function metricModuleFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : walk(path);
      return /[.-]metrics\.ts$/.test(name) ? [relative(root, path)] : [];
    });
  return ['apps', 'libs'].flatMap((top) => walk(join(root, top)));
}

/** Metrics in the process registry that no listed module declared (a module missing from METRIC_MODULES). */
export function undeclaredMetrics(declared: DeclaredMetric[]): string[] {
  const names = new Set(declared.map((m) => m.name));
  return register
    .getMetricsAsArray()
    .map((m) => (m as unknown as { name: string }).name)
    .filter((name) => !names.has(name));
}
