/**
 * Reads the Grafana provisioning in observability/grafana for the config tests
 * (test/config/grafana.config-spec.ts) and for integration tests that run every
 * dashboard query against a real Prometheus. Keep this API stable:
 *
 *   dashboards()                 every dashboards/*.json, parsed: { file, uid, title, json }
 *   panelsOf(dashboard)          its panels, the panels nested in collapsed rows included, rows left out
 *   panelQueries()               every Prometheus target of every panel:
 *                                { dashboard (uid), panel (title), refId, expr, exemplar, instant }
 *   variableQueries()            every Prometheus query variable: { dashboard, variable, query, expr },
 *                                `expr` being the PromQL inside label_values(...)/query_result(...)
 *   datasources()                datasources.yml's datasources, `$$` unescaped as Grafana reads it
 *   traceToMetricsQueries()      the Jaeger datasource's "metrics for this span" queries: { name, expr }
 *   datasourceUidsIn(value)      every datasource uid a dashboard or datasource refers to: { path, uid }
 *   substituteVariables(expr, values?)
 *                                replaces Grafana variables with concrete values so Prometheus can run
 *                                the query (see DEFAULT_VARIABLE_VALUES)
 *   knownMetrics(ruleFiles)      every metric name that exists, with where it comes from
 *
 * Variable substitution. Dashboards use only these variables, in these forms:
 *   $job (also ${job}, ${job:regex}, [[job]])  only inside a regex matcher: job=~"$job".
 *       Grafana renders "All" of a multi-value variable as gateway|order|payment|notification.
 *   $__rate_interval → 1m   (Grafana: max(4 x scrape interval 15s, $__interval + 15s))
 *   $__interval      → 15s
 *   $__range         → 1h   (the dashboards' default time range; $__range_s → 3600)
 *   $__tags          → job="gateway"  (trace-to-metrics: the span's service.name mapped to job)
 * Pass `values` to override any of them (e.g. { job: 'payment', __range: '5m' }). An unknown
 * variable throws, so a new variable has to be added here, where a real query can resolve it.
 * `$1`-style references (label_replace replacements) are left as they are.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { declaredMetrics } from './metric-modules.js';
import { recordingRules } from './prometheus-rules.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const GRAFANA_DIR = join(ROOT, 'observability/grafana');
export const DASHBOARDS_DIR = join(GRAFANA_DIR, 'dashboards');
export const DATASOURCES_FILE = join(GRAFANA_DIR, 'provisioning/datasources/datasources.yml');
export const DASHBOARD_PROVIDERS_FILE = join(GRAFANA_DIR, 'provisioning/dashboards/dashboards.yml');

/** The services the `job` variable lists; "All" renders as their alternation. */
export const SERVICES = ['gateway', 'order', 'payment', 'notification'] as const;

export const DEFAULT_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  job: SERVICES.join('|'),
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
  __tags: 'job="gateway"',
};

/** Datasources Grafana defines itself (annotations, mixed panels); never provisioned. */
export const BUILT_IN_DATASOURCE_UIDS = ['-- Grafana --', '-- Mixed --', '-- Dashboard --'];

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId?: string;
  datasource?: DatasourceRef | string;
  expr?: string;
  exemplar?: boolean;
  instant?: boolean;
  range?: boolean;
  [key: string]: unknown;
}

export interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DatasourceRef | string | null;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
  [key: string]: unknown;
}

export interface TemplateVariable {
  name: string;
  type: string;
  datasource?: DatasourceRef | string | null;
  query?: string | { query?: string };
  [key: string]: unknown;
}

export interface DashboardJson {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: TemplateVariable[] };
  [key: string]: unknown;
}

export interface Dashboard {
  /** Path relative to the repository root. */
  file: string;
  uid: string;
  title: string;
  json: DashboardJson;
}

export interface ProvisionedDatasource {
  name: string;
  uid?: string;
  type: string;
  url?: string;
  access?: string;
  isDefault?: boolean;
  jsonData?: Record<string, unknown>;
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  exemplar: boolean;
  instant: boolean;
}

export interface VariableQuery {
  dashboard: string;
  variable: string;
  query: string;
  expr: string;
}

const rel = (file: string) => relative(ROOT, file);

/** Every dashboard JSON file, sorted by name; a malformed file throws with its name. */
export function dashboards(): Dashboard[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(DASHBOARDS_DIR, name);
      let json: DashboardJson;
      try {
        json = JSON.parse(readFileSync(file, 'utf8')) as DashboardJson;
      } catch (error) {
        throw new Error(`${rel(file)} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      return { file: rel(file), uid: json.uid ?? '', title: json.title ?? '', json };
    });
}

export function panelsOf(dashboard: Dashboard): Panel[] {
  const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => (p.type === 'row' ? flat(p.panels ?? []) : [p]));
  return flat(dashboard.json.panels ?? []);
}

/** Rows too: their titles and positions matter for the layout checks. */
export function allPanelsOf(dashboard: Dashboard): Panel[] {
  const all = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...all(p.panels ?? [])]);
  return all(dashboard.json.panels ?? []);
}

function uidOf(ref: DatasourceRef | string | null | undefined): string | undefined {
  return typeof ref === 'string' ? ref : (ref?.uid ?? undefined);
}

/** No uid: Grafana's default datasource, which the provisioning makes Prometheus. */
function prometheusCheck(): (uid: string | undefined) => boolean {
  const types = new Map(datasources().map((d) => [d.uid, d.type]));
  return (uid) => uid === undefined || types.get(uid) === 'prometheus';
}

/** A target without a datasource inherits the panel's; a panel without one uses the default (Prometheus). */
export function panelQueries(): PanelQuery[] {
  const isPrometheus = prometheusCheck();
  return dashboards().flatMap((dashboard) =>
    panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((t) => isPrometheus(uidOf(t.datasource) ?? uidOf(panel.datasource)) && typeof t.expr === 'string')
        .map((t) => ({
          dashboard: dashboard.uid,
          panel: panel.title ?? `panel ${panel.id}`,
          refId: t.refId ?? 'A',
          expr: t.expr as string,
          exemplar: t.exemplar === true,
          instant: t.instant === true && t.range !== true,
        })),
    ),
  );
}

/** The PromQL a variable query runs: label_values(expr, label) or query_result(expr). */
export function variableExpr(query: string): string {
  const labelValues = query.match(/^\s*label_values\(\s*(.+?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s);
  if (labelValues) return labelValues[1];
  const queryResult = query.match(/^\s*query_result\(\s*(.+)\s*\)\s*$/s);
  if (queryResult) return queryResult[1];
  throw new Error(`unsupported variable query (use label_values(expr, label) or query_result(expr)): ${query}`);
}

export function variableQueries(): VariableQuery[] {
  const isPrometheus = prometheusCheck();
  return dashboards().flatMap((dashboard) =>
    (dashboard.json.templating?.list ?? [])
      .filter((v) => v.type === 'query' && isPrometheus(uidOf(v.datasource)))
      .map((v) => {
        const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
        return { dashboard: dashboard.uid, variable: v.name, query, expr: variableExpr(query) };
      }),
  );
}

/** Grafana expands $VAR/${VAR} from the environment in provisioning files; `$$` is a literal `$`. */
export function unescapeProvisioning(text: string): string {
  return text.replaceAll('$$', '$');
}

export function datasources(): ProvisionedDatasource[] {
  const file = parse(unescapeProvisioning(readFileSync(DATASOURCES_FILE, 'utf8'))) as {
    datasources?: ProvisionedDatasource[];
  };
  return file.datasources ?? [];
}

export function traceToMetricsQueries(): { name: string; expr: string }[] {
  const jaeger = datasources().find((d) => d.type === 'jaeger');
  const config = jaeger?.jsonData?.tracesToMetrics as { queries?: { name: string; query: string }[] } | undefined;
  return (config?.queries ?? []).map((q) => ({ name: q.name, expr: q.query }));
}

/**
 * Every datasource uid referred to anywhere inside `value`: `datasource: {uid}` (or a bare
 * string, which Grafana reads as a name or uid) and `datasourceUid: ...` (exemplar, trace and
 * log links). `path` says where, for failure messages.
 */
export function datasourceUidsIn(value: unknown, path = ''): { path: string; uid: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => datasourceUidsIn(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = path ? `${path}.${key}` : key;
    if (key === 'datasourceUid' && typeof child === 'string') return [{ path: here, uid: child }];
    if (key === 'datasource') {
      const uid = uidOf(child as DatasourceRef | string | null);
      return uid === undefined ? [] : [{ path: here, uid }];
    }
    return datasourceUidsIn(child, here);
  });
}

/** See the header: Grafana variables → concrete values. */
export function substituteVariables(expr: string, values: Record<string, string> = {}): string {
  const all = { ...DEFAULT_VARIABLE_VALUES, ...values };
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g,
    (match, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c) as string;
      if (/^\d+$/.test(name)) return match;
      const value = all[name];
      if (value === undefined) throw new Error(`unknown Grafana variable ${match} in: ${expr}`);
      return value;
    },
  );
}

/** prom-client 15 collectDefaultMetrics() on Linux (ObservabilityModule enables them); not declared in this repo. */
const PROM_CLIENT_DEFAULTS = {
  counters: ['process_cpu_seconds_total', 'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total'],
  gauges: [
    'process_start_time_seconds',
    'process_resident_memory_bytes',
    'process_virtual_memory_bytes',
    'process_heap_bytes',
    'process_open_fds',
    'process_max_fds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_eventloop_lag_min_seconds',
    'nodejs_eventloop_lag_max_seconds',
    'nodejs_eventloop_lag_mean_seconds',
    'nodejs_eventloop_lag_stddev_seconds',
    'nodejs_eventloop_lag_p50_seconds',
    'nodejs_eventloop_lag_p90_seconds',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_active_resources',
    'nodejs_active_resources_total',
    'nodejs_active_handles',
    'nodejs_active_handles_total',
    'nodejs_active_requests',
    'nodejs_active_requests_total',
    'nodejs_heap_size_total_bytes',
    'nodejs_heap_size_used_bytes',
    'nodejs_external_memory_bytes',
    'nodejs_heap_space_size_total_bytes',
    'nodejs_heap_space_size_used_bytes',
    'nodejs_heap_space_size_available_bytes',
    'nodejs_version_info',
  ],
  histograms: ['nodejs_gc_duration_seconds'],
};

/** Exporters Prometheus scrapes (observability/prometheus/prometheus.yml); names checked against their sources. */
const EXPORTER_METRICS: Record<string, string[]> = {
  // Prometheus adds these to every scrape target.
  'Prometheus (every scrape target)': ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'],
  // Prometheus writes these for its own alerting rules (one series per pending or firing alert).
  'Prometheus (alerting rules)': ['ALERTS', 'ALERTS_FOR_STATE'],
  // rabbitmq_prometheus plugin (3.10–4.x), /metrics/per-object: per-queue series labelled {vhost, queue}.
  'rabbitmq_prometheus /metrics/per-object': [
    'rabbitmq_queue_messages',
    'rabbitmq_queue_messages_ready',
    'rabbitmq_queue_messages_unacked',
    'rabbitmq_queue_consumers',
    'rabbitmq_queue_messages_published_total',
    'rabbitmq_connections',
    'rabbitmq_channels',
    'rabbitmq_consumers',
    'rabbitmq_queues',
  ],
  // prometheus-community/postgres_exporter default collectors.
  postgres_exporter: [
    'pg_up',
    'pg_stat_activity_count',
    'pg_stat_activity_max_tx_duration',
    'pg_settings_max_connections',
    'pg_stat_database_numbackends',
    'pg_stat_database_xact_commit',
    'pg_stat_database_xact_rollback',
    'pg_stat_database_blks_hit',
    'pg_stat_database_blks_read',
    'pg_stat_database_deadlocks',
  ],
};

const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

/**
 * Metrics the services declare (name → declaring file), read from the metrics themselves: the lib
 * metrics every service loads and each service's provider lists (support/metric-modules.ts).
 * A histogram `x` exists as x_bucket, x_sum, x_count.
 */
export function codeMetrics(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { name, type, file } of declaredMetrics()) {
    const series = type === 'histogram' ? HISTOGRAM_SERIES.map((s) => name + s) : [name];
    for (const s of series) found.set(s, file);
  }
  return found;
}

/** Every metric a dashboard may query: name → where it comes from. */
export function knownMetrics(ruleFiles: string[]): Map<string, string> {
  const known = new Map<string, string>();
  for (const [source, names] of Object.entries(EXPORTER_METRICS)) for (const n of names) known.set(n, source);
  const defaults = 'prom-client collectDefaultMetrics';
  for (const n of [...PROM_CLIENT_DEFAULTS.counters, ...PROM_CLIENT_DEFAULTS.gauges]) known.set(n, defaults);
  for (const h of PROM_CLIENT_DEFAULTS.histograms) for (const s of HISTOGRAM_SERIES) known.set(h + s, defaults);
  for (const [n, file] of codeMetrics()) known.set(n, file);
  const ruleSource = `recording rule (${ruleFiles.map((f) => basename(f)).join(', ')})`;
  for (const rule of recordingRules(ruleFiles)) known.set(rule.record, ruleSource);
  return known;
}
