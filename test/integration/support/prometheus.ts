import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { SERVICES, type ServiceName } from './stack.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const PROMETHEUS_CONFIG = join(ROOT, 'observability/prometheus/prometheus.yml');
export const ALERT_RULES = join(ROOT, 'observability/prometheus/rules/alerts.yml');

/**
 * Jobs of the real prometheus.yml that have nothing to scrape on a CI machine. Every other
 * job must get a local target, or building the test config fails: a new job is never skipped silently.
 */
export const JOBS_WITHOUT_LOCAL_TARGET: Record<string, string> = {
  'postgres-exporter': 'no postgres_exporter runs here (compose runs the prometheuscommunity image)',
  jaeger:
    'only jaeger.int-spec.ts runs the Jaeger binary (and gives this job a target); elsewhere spans go to an in-process receiver',
  'jaeger-spanmetrics':
    'only jaeger.int-spec.ts runs Jaeger, whose spanmetrics connector exports RED metrics from spans',
  grafana:
    'no Grafana server runs here (compose runs the grafana image); the test runs every dashboard query against Prometheus itself',
};

/** RabbitMQ's rabbitmq_prometheus endpoint on the loopback broker (`backing-services.mjs` enables it). */
export const RABBITMQ_PROMETHEUS = `127.0.0.1:${process.env.RABBITMQ_PROMETHEUS_PORT ?? '15692'}`;

/**
 * The local target of every scrape job that runs here: the four services at the Stack's ports,
 * the loopback broker, and the test's own Prometheus and Alertmanager.
 */
export function localTargets(
  ports: Record<ServiceName, number>,
  prometheus: string,
  alertmanager: string,
): Record<string, string> {
  return {
    ...Object.fromEntries(SERVICES.map((s) => [s, `127.0.0.1:${ports[s]}`])),
    rabbitmq: RABBITMQ_PROMETHEUS,
    prometheus,
    alertmanager,
  };
}

export interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  [key: string]: unknown;
}

export interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: { api_version?: string; static_configs: { targets: string[] }[] }[] };
  scrape_configs: ScrapeConfig[];
}

export interface LocalPrometheusOptions {
  /** `host:port` to scrape for each job of the real config that runs here; several for a job with replicas. */
  targets: Record<string, string | string[]>;
  /** `host:port` of the Alertmanager Prometheus sends to. */
  alertmanager: string;
  /** scrape_interval and evaluation_interval (and scrape_timeout, which may not exceed the interval). */
  interval: string;
  /** Rule files to load instead of real ones (absolute path of the real file → replacement); the rest load as they are. */
  ruleFileReplacements?: Record<string, string>;
}

export interface LocalPrometheusConfig {
  config: PrometheusConfig;
  /** The real config's rule files, resolved as Prometheus resolves them (relative to the config file). */
  realRuleFiles: string[];
  dropped: string[];
}

export function readYaml<T>(file: string): T {
  return parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The real prometheus.yml pointed at what runs on this machine: each job's one compose target
 * (`payment:3002`), or the compose service its DNS discovery looks up (`payment`, every replica),
 * becomes loopback addresses, alerting goes to the test's Alertmanager, the rule
 * files are the real ones by absolute path, and only the intervals are shortened.
 */
export function localPrometheusConfig(options: LocalPrometheusOptions): LocalPrometheusConfig {
  const real = readYaml<PrometheusConfig>(PROMETHEUS_CONFIG);
  const realRuleFiles = real.rule_files.map((file) => resolve(dirname(PROMETHEUS_CONFIG), file));
  for (const file of Object.keys(options.ruleFileReplacements ?? {})) {
    if (!realRuleFiles.includes(file))
      throw new Error(`prometheus.yml does not load ${file} (it loads ${realRuleFiles.join(', ')})`);
  }
  const dropped: string[] = [];
  const scrapeConfigs: ScrapeConfig[] = [];
  for (const job of real.scrape_configs) {
    const target = options.targets[job.job_name];
    if (!target) {
      if (!(job.job_name in JOBS_WITHOUT_LOCAL_TARGET)) {
        throw new Error(
          `prometheus.yml job "${job.job_name}" has no local target and no reason to be dropped: add it to the test`,
        );
      }
      dropped.push(job.job_name);
      continue;
    }
    const { dns_sd_configs: dns, ...rest } = job;
    const targets = [...(job.static_configs ?? []).flatMap((c) => c.targets), ...(dns ?? []).flatMap((c) => c.names)];
    const otherDiscovery = Object.keys(rest).filter((k) => k.endsWith('_sd_configs'));
    if (targets.length !== 1 || otherDiscovery.length > 0) {
      throw new Error(
        `prometheus.yml job "${job.job_name}" is not one static target or one DNS name (${targets.join(', ')}): teach the test to map it`,
      );
    }
    // DNS discovery of a compose service becomes its processes here: what it would have found.
    scrapeConfigs.push({ ...rest, static_configs: [{ targets: [target].flat() }] });
  }
  const config: PrometheusConfig = {
    ...real,
    global: {
      ...real.global,
      scrape_interval: options.interval,
      scrape_timeout: options.interval,
      evaluation_interval: options.interval,
    },
    rule_files: realRuleFiles.map((file) => options.ruleFileReplacements?.[file] ?? file),
    alerting: {
      alertmanagers: real.alerting.alertmanagers.map((am) => ({
        ...am,
        static_configs: [{ targets: [options.alertmanager] }],
      })),
    },
    scrape_configs: scrapeConfigs,
  };
  return { config, realRuleFiles, dropped };
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; for?: string }[] }[];
}

/** A copy of an alert rule file with only the `for` of one alert (all its rules) changed. */
export function withShorterFor(ruleFile: string, alert: string, duration: string, out: string): void {
  const rules = readYaml<RuleFile>(ruleFile);
  const matching = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === alert);
  if (matching.length === 0) throw new Error(`${ruleFile} has no alert ${alert}`);
  for (const rule of matching) rule.for = duration;
  writeFileSync(out, stringify(rules));
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface RuleState {
  name: string;
  type: 'recording' | 'alerting';
  health: string;
  lastError?: string;
  state?: string;
}

export interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

/** The few Prometheus HTTP API calls the tests make. */
export class PrometheusApi {
  constructor(readonly url: string) {}

  private async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
    return body.data;
  }

  /** An instant query, now or at `atSeconds` (two queries at one instant see the same samples). */
  async query(expr: string, atSeconds?: number): Promise<Sample[]> {
    const params: Record<string, string> = { query: expr };
    if (atSeconds !== undefined) params.time = String(atSeconds);
    const data = await this.get<{ resultType: string; result: Sample[] | [number, string] }>('query', params);
    // A scalar (e.g. `vector(1) * 0` reduced by scalar()) is one value, not a list of series.
    return data.resultType === 'scalar'
      ? [{ metric: {}, value: data.result as [number, string] }]
      : (data.result as Sample[]);
  }

  /** Whether a range query (what Grafana runs for a time-series panel) has any series. */
  async queryRange(expr: string, sinceMs: number, stepSeconds = 5): Promise<RangeSeries[]> {
    const data = await this.get<{ result: RangeSeries[] }>('query_range', {
      query: expr,
      start: String(sinceMs / 1000),
      end: String(Date.now() / 1000),
      step: String(stepSeconds),
    });
    return data.result;
  }

  async targets(): Promise<Target[]> {
    return (await this.get<{ activeTargets: Target[] }>('targets', { state: 'active' })).activeTargets;
  }

  async rules(): Promise<RuleState[]> {
    return (await this.get<{ groups: { rules: RuleState[] }[] }>('rules')).groups.flatMap((g) => g.rules);
  }

  async exemplars(query: string, sinceMs: number): Promise<ExemplarSeries[]> {
    return this.get<ExemplarSeries[]>('query_exemplars', {
      query,
      start: String(sinceMs / 1000),
      end: String(Date.now() / 1000),
    });
  }
}
