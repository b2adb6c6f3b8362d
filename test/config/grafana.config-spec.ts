import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_IN_DATASOURCE_UIDS,
  DASHBOARDS_DIR,
  DASHBOARD_PROVIDERS_FILE,
  DATASOURCES_FILE,
  allPanelsOf,
  dashboards,
  datasourceUidsIn,
  datasources,
  knownMetrics,
  panelQueries,
  panelsOf,
  substituteVariables,
  traceToMetricsQueries,
  variableQueries,
} from './support/grafana.js';
import { METRIC_MODULES, declaredMetrics, metricModuleFiles, undeclaredMetrics } from './support/metric-modules.js';
import { alertRules, filesIn } from './support/prometheus-rules.js';
import { MetricNames } from '../support/promql.js';
import { promtool } from '../support/tools.js';

// Runs promtool at compose's Prometheus version, like prometheus.config-spec.ts (`node scripts/ci/tools.mjs`).
const ROOT = resolve(import.meta.dirname, '../..');
const RULE_FILES = filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml', '.yaml');
const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');
/** The five the alerts and runbooks link to, and the home dashboard that links to them. */
const DASHBOARD_UIDS = [
  'service-overview',
  'nodejs-runtime',
  'business',
  'rabbitmq-postgres',
  'bottleneck-hunting',
  'home',
].sort();
const DATASOURCE_UIDS = ['alertmanager', 'elasticsearch', 'jaeger', 'prometheus'];
/** Where compose mounts ./observability/grafana/dashboards (see dashboards.yml). */
const DASHBOARDS_MOUNT = '/etc/grafana/dashboards';
const GRAFANA_LINK = /http:\/\/localhost:3100\/d\/([\w-]+)/g;

const DASHBOARDS = dashboards();
const DATASOURCES = datasources();
const PROVISIONED = new Set(DATASOURCES.map((d) => d.uid));
const QUERIES = panelQueries();
const VARIABLES = variableQueries();
const TRACE_TO_METRICS = traceToMetricsQueries();

/** Every PromQL expression Grafana can run from this provisioning, substituted, with a readable origin. */
const ALL_EXPRESSIONS = [
  ...QUERIES.map((q) => ({ where: `${q.dashboard} / ${q.panel} / ${q.refId}`, expr: substituteVariables(q.expr) })),
  ...VARIABLES.map((v) => ({ where: `${v.dashboard} / variable ${v.variable}`, expr: substituteVariables(v.expr) })),
  ...TRACE_TO_METRICS.map((q) => ({ where: `jaeger tracesToMetrics / ${q.name}`, expr: substituteVariables(q.expr) })),
];

const byUid = (uid: string) => DASHBOARDS.find((d) => d.uid === uid);

interface Box {
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'grafana-promql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
/** The metric names of every expression, as Prometheus parses them. */
let metrics: MetricNames;
beforeAll(async () => {
  metrics = await MetricNames.of(ALL_EXPRESSIONS.map((e) => e.expr));
}, 30_000);

describe('Grafana provisioning', () => {
  describe('datasources.yml', () => {
    it('provisions Prometheus, Jaeger, Elasticsearch and Alertmanager, each under a fixed unique uid', () => {
      const uids = DATASOURCES.map((d) => d.uid);
      expect(
        uids.every((uid) => typeof uid === 'string' && uid.length > 0),
        'every datasource needs a uid',
      ).toBe(true);
      expect(new Set(uids).size).toBe(uids.length);
      expect([...uids].sort()).toEqual(DATASOURCE_UIDS);
    });

    it('makes Prometheus the only default datasource', () => {
      expect(DATASOURCES.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(['prometheus']);
    });

    it('points each datasource at its compose service', () => {
      const urls = Object.fromEntries(DATASOURCES.map((d) => [d.uid, { type: d.type, url: d.url }]));
      expect(urls).toEqual({
        prometheus: { type: 'prometheus', url: 'http://prometheus:9090' },
        jaeger: { type: 'jaeger', url: 'http://jaeger:16686' },
        elasticsearch: { type: 'elasticsearch', url: 'http://elasticsearch:9200' },
        alertmanager: { type: 'alertmanager', url: 'http://alertmanager:9093' },
      });
    });

    it('links exemplars to Jaeger, spans to Elasticsearch logs and Prometheus metrics, and log lines back to Jaeger', () => {
      const json = (uid: string) => DATASOURCES.find((d) => d.uid === uid)?.jsonData ?? {};
      expect(json('prometheus').exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
      expect(json('jaeger').tracesToLogsV2).toMatchObject({
        datasourceUid: 'elasticsearch',
        customQuery: true,
        query: 'trace_id:"${__span.traceId}"',
      });
      expect(json('jaeger').tracesToMetrics).toMatchObject({ datasourceUid: 'prometheus' });
      expect(TRACE_TO_METRICS.length).toBeGreaterThanOrEqual(2);
      expect(
        TRACE_TO_METRICS.every((q) => q.expr.includes('$__tags')),
        'each query filters on the span service',
      ).toBe(true);
      expect(json('elasticsearch')).toMatchObject({
        index: 'fluentd-*',
        timeField: '@timestamp',
        logMessageField: 'msg',
        logLevelField: 'level',
        dataLinks: [expect.objectContaining({ field: 'trace_id', datasourceUid: 'jaeger', url: '${__value.raw}' })],
      });
    });

    it('links only to datasources it provisions', () => {
      const dangling = datasourceUidsIn(DATASOURCES).filter((ref) => !PROVISIONED.has(ref.uid));
      expect(dangling).toEqual([]);
    });

    it('escapes Grafana template variables as $$ so environment expansion leaves them alone', () => {
      const lines = readFileSync(DATASOURCES_FILE, 'utf8').split('\n');
      const unescaped = lines.filter((line) => !line.trimStart().startsWith('#') && /(^|[^$])\$(?!\$)[{\w]/.test(line));
      expect(unescaped).toEqual([]);
    });
  });

  describe('dashboards.yml', () => {
    it('loads the dashboards from the folder compose mounts, keeping their uids', () => {
      const file = parse(readFileSync(DASHBOARD_PROVIDERS_FILE, 'utf8')) as {
        apiVersion: number;
        providers: { type: string; options: { path: string } }[];
      };
      expect(file.apiVersion).toBe(1);
      expect(file.providers.map((p) => [p.type, p.options.path])).toEqual([['file', DASHBOARDS_MOUNT]]);
      expect(relative(ROOT, DASHBOARDS_DIR)).toBe('observability/grafana/dashboards');
    });
  });

  describe('dashboards', () => {
    it('are exactly the five the alerts and runbooks link to and the home page, one file each, each uid once', () => {
      const uids = DASHBOARDS.map((d) => d.uid);
      expect([...uids].sort()).toEqual(DASHBOARD_UIDS);
      expect(DASHBOARDS.map((d) => d.file)).toEqual(
        DASHBOARD_UIDS.map((uid) => `observability/grafana/dashboards/${uid}.json`),
      );
    });

    it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
      '%s has a title, panels, and unique panel ids and titles',
      (_uid, dashboard) => {
        expect(dashboard.title).toBeTruthy();
        const panels = allPanelsOf(dashboard);
        expect(panelsOf(dashboard).length).toBeGreaterThan(0);
        const ids = panels.map((p) => p.id);
        expect(
          ids.every((id) => typeof id === 'number'),
          'every panel needs a numeric id',
        ).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        const titles = panels.map((p) => p.title ?? '');
        expect(
          titles.filter((t) => !t.trim()),
          'every panel needs a title',
        ).toEqual([]);
        expect(
          titles.filter((t, i) => titles.indexOf(t) !== i),
          'duplicate titles',
        ).toEqual([]);
      },
    );

    it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
      '%s lays its panels on the 24-column grid without overlaps',
      (_uid, dashboard) => {
        const boxes: Box[] = allPanelsOf(dashboard).map((p) => ({
          title: p.title ?? '',
          x: NaN,
          y: NaN,
          w: NaN,
          h: NaN,
          ...p.gridPos,
        }));
        // NaN (no gridPos) fails every comparison, so such a panel counts as off the grid.
        const misplaced = boxes.filter((b) => !(b.x >= 0 && b.y >= 0 && b.w >= 1 && b.h >= 1 && b.x + b.w <= 24));
        expect(misplaced.map((b) => b.title)).toEqual([]);
        const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        const overlaps = boxes.flatMap((a, i) =>
          boxes
            .slice(i + 1)
            .filter((b) => overlap(a, b))
            .map((b) => `${a.title} / ${b.title}`),
        );
        expect(overlaps).toEqual([]);
      },
    );

    it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
      '%s refers only to provisioned datasources, by uid',
      (_uid, dashboard) => {
        const refs = datasourceUidsIn(dashboard.json);
        expect(refs.length).toBeGreaterThan(0);
        const dangling = refs.filter((ref) => !PROVISIONED.has(ref.uid) && !BUILT_IN_DATASOURCE_UIDS.includes(ref.uid));
        expect(dangling).toEqual([]);
        // Panels that query (text and dashboard-list panels do not) name their datasource.
        const querying = panelsOf(dashboard).filter((p) => (p.targets ?? []).length > 0);
        const unnamed = querying.filter((p) => !p.datasource || typeof p.datasource === 'string');
        expect(
          unnamed.map((p) => p.title),
          'panels name their datasource as {type, uid}',
        ).toEqual([]);
      },
    );

    it('turn exemplars on for the latency panels of service-overview and bottleneck-hunting', () => {
      for (const uid of ['service-overview', 'bottleneck-hunting']) {
        const withExemplars = QUERIES.filter((q) => q.dashboard === uid && q.exemplar);
        expect(withExemplars.length, uid).toBeGreaterThan(0);
      }
    });

    it('ask for exemplars only on raw histogram buckets, since recorded series carry none', () => {
      const useless = QUERIES.filter((q) => q.exemplar && !/_bucket\b/.test(q.expr) && !/_count\b/.test(q.expr));
      expect(useless).toEqual([]);
    });

    it('offer a job variable on the per-service dashboards and use it only in regex matchers', () => {
      for (const uid of ['service-overview', 'nodejs-runtime', 'bottleneck-hunting']) {
        expect(
          byUid(uid)?.json.templating?.list?.map((v) => v.name),
          uid,
        ).toContain('job');
      }
      const misused = QUERIES.filter((q) => /\$\{?job\b/.test(q.expr) && !/job=~"\$\{?job\}?"/.test(q.expr));
      expect(misused).toEqual([]);
    });
  });

  describe('home dashboard (the workshop\u2019s front door)', () => {
    const home = byUid('home')!;
    const text = panelsOf(home)
      .filter((p) => p.type === 'text')
      .map((p) => String((p.options as { content?: string } | undefined)?.content ?? ''))
      .join('\n');
    const exprs = QUERIES.filter((q) => q.dashboard === 'home').map((q) => q.expr);

    it('links every other dashboard by its uid', () => {
      const linked = new Set([...text.matchAll(/\(\/d\/([\w-]+)\)/g)].map((m) => m[1]));
      expect([...linked].filter((uid) => !byUid(uid))).toEqual([]);
      expect(DASHBOARD_UIDS.filter((uid) => uid !== 'home' && !linked.has(uid))).toEqual([]);
    });

    it('shows which services are up, which alerts fire and which faults are on', () => {
      expect(exprs).toContain('min by (job) (up{job=~"gateway|order|payment|notification"})');
      expect(exprs.some((e) => e.includes('ALERTS{alertstate="firing"}'))).toBe(true);
      expect(exprs.some((e) => e.includes('workshop_fault_active'))).toBe(true);
    });

    it('answers every instant query with a row even when nothing fires and no fault is on', () => {
      const instant = QUERIES.filter((q) => q.dashboard === 'home' && q.instant);
      expect(instant.length).toBeGreaterThan(0);
      expect(
        instant.filter((q) => !/\bor on \(\) label_replace\(vector\(0\)/.test(q.expr)).map((q) => q.panel),
      ).toEqual([]);
    });
  });

  describe('links to dashboards', () => {
    it('every dashboard an alert rule links to exists', () => {
      const links = alertRules(RULE_FILES).map((rule) => rule.annotations?.dashboard ?? '');
      expect(links.length).toBeGreaterThan(0);
      const uids = links.map((link) => [...link.matchAll(GRAFANA_LINK)][0]?.[1]);
      expect(uids.filter((uid) => !uid || !byUid(uid))).toEqual([]);
    });

    it('every dashboard a runbook links to exists', () => {
      const links = filesIn(RUNBOOKS_DIR, '.md').flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(GRAFANA_LINK)].map((m) => ({ file: relative(ROOT, file), uid: m[1] })),
      );
      expect(links.length).toBeGreaterThan(0);
      expect(links.filter((link) => !byUid(link.uid))).toEqual([]);
    });
  });

  describe('PromQL', () => {
    it('every dashboard, variable and trace-to-metrics query is found', () => {
      expect(QUERIES.length).toBeGreaterThan(50);
      expect(VARIABLES.map((v) => v.expr)).toContain('nodejs_version_info');
      for (const uid of DASHBOARD_UIDS)
        expect(
          QUERIES.some((q) => q.dashboard === uid),
          uid,
        ).toBe(true);
    });

    it('every query resolves all of its Grafana variables', () => {
      const leftovers = ALL_EXPRESSIONS.filter((e) => e.expr.includes('$') || e.expr.includes('[['));
      expect(leftovers).toEqual([]);
    });

    it('every query parses with promtool', async () => {
      const rules = ALL_EXPRESSIONS.map((e, i) => ({ record: `grafana_query_${i}`, expr: e.expr }));
      const file = join(scratch, 'dashboard-queries.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'grafana-dashboard-queries', rules }] }, null, 2));
      const run = await promtool('check', 'rules', file);
      const index = ALL_EXPRESSIONS.map((e, i) => `grafana_query_${i}: ${e.where}`).join('\n');
      expect(run.code, `${run.output}\n${index}`).toBe(0);
      expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
    });

    it('every metric a query reads is recorded, declared in the code, a prom-client default or exported by a scraped exporter', () => {
      const known = knownMetrics(RULE_FILES);
      const unknown = ALL_EXPRESSIONS.flatMap((e) =>
        metrics
          .of(e.expr)
          .filter((name) => !known.has(name))
          .map((name) => `${name} (${e.where})`),
      );
      expect(unknown).toEqual([]);
    });

    it('charts k6 load only as rates of what k6 remote-writes cumulatively, never its whole-run stats', () => {
      // k6's remote-write output sends a trend's p95/avg/max and a Rate's ratio computed over the
      // whole run (hours, for the background load): a fault switched on barely moves them. Its
      // counters (k6_*_total) and native histograms (k6_*_seconds, compose sets
      // K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM) are cumulative, so rate() follows recent traffic.
      const wrong = ALL_EXPRESSIONS.flatMap((e) =>
        metrics
          .of(e.expr)
          .filter((name) => name.startsWith('k6_'))
          .filter(
            (name) =>
              !/_(total|seconds)$/.test(name) || !new RegExp(`\\b(rate|increase|irate)\\(\\s*${name}\\b`).test(e.expr),
          )
          .map((name) => `${name} (${e.where})`),
      );
      expect(wrong).toEqual([]);
    });

    it('knows the metrics the services declare, so the check above has something to compare with', () => {
      const known = knownMetrics(RULE_FILES);
      const samples = [
        'http_server_request_duration_seconds_bucket',
        'orders_created_total',
        'job:http_server_requests:rate5m',
        'pg_up',
      ];
      for (const name of samples) expect(known.has(name), name).toBe(true);
      expect(known.has('http_server_request_duration_seconds'), 'a histogram exists only as _bucket/_sum/_count').toBe(
        false,
      );
    });

    it('reads every metric module there is, and every metric they register comes from one of them', () => {
      const listed = Object.keys(METRIC_MODULES);
      expect(metricModuleFiles(ROOT).filter((file) => !listed.includes(file))).toEqual([]);
      const declared = declaredMetrics();
      expect(undeclaredMetrics(declared)).toEqual([]);
      const of = (name: string) => declared.find((m) => m.name === name);
      expect(of('outbox_backlog_events')).toEqual({
        name: 'outbox_backlog_events',
        type: 'gauge',
        file: 'apps/order/src/outbox/outbox.metrics.ts',
      });
      expect(of('message_processing_duration_seconds')?.type).toBe('histogram');
      expect(of('db_pool_connections')?.file).toBe('libs/common/src/database/db-pool.metrics.ts');
    });
  });

  describe('support module', () => {
    it('substituteVariables() renders every variable form and rejects unknown ones', () => {
      expect(substituteVariables('rate(x{job=~"$job"}[$__rate_interval])')).toBe(
        'rate(x{job=~"gateway|order|payment|notification"}[1m])',
      );
      expect(substituteVariables('x{job=~"${job:regex}"} [[job]] $__range', { job: 'payment', __range: '5m' })).toBe(
        'x{job=~"payment"} payment 5m',
      );
      expect(substituteVariables('label_replace(up, "d", "$1", "s", "(.*)")')).toContain('"$1"');
      expect(() => substituteVariables('x{instance="$instance"}')).toThrow(/\$instance/);
    });
  });
});
