import { type Scenario, SCENARIOS } from '@app/faults';
import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from '../../scripts/waterfall/index.js';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_RULES, PrometheusApi, localPrometheusConfig, localTargets, readYaml } from './support/prometheus.js';
import { Server } from '../support/server.js';
import { toolBinary } from '../support/tools.js';
// @ts-expect-error: a plain ESM script without types
import { main as faultCli } from '../../scripts/fault.mjs';
import { LOG_DIR, Stack, backingServices, eventually } from './support/stack.js';
import { byTrace, firstFailingServices, maxOverlap, quantile, selfTimeShares } from './support/trace-analysis.js';

/**
 * Every bottleneck scenario is findable: the four services run for real (PostgreSQL, RabbitMQ,
 * OTLP to a receiver here, a real Prometheus with the real rules), the scenario's own load script
 * runs once with the fault off (baseline) and once with it on, and from what was collected the
 * culprit must be identifiable in each pillar: the trace durations or errors point at its service,
 * the expected metric moves against the baseline, the catalogue's alerts' expressions become true,
 * and the culprit's log lines carry the fault marker and trace ids. The figures go to
 * .tmp/findability.json (and to docs/scenarios.md with WRITE_SCENARIOS_DOC=1).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const TOKEN = 'findability-admin-token';
const BASELINE_SECONDS = Number(process.env.FINDABILITY_BASELINE_SECONDS ?? 8);
const FAULT_SECONDS = Number(process.env.FINDABILITY_FAULT_SECONDS ?? 15);

interface Phase {
  spans: CollectedSpan[];
  traces: CollectedSpan[][];
  metric: number;
  p95: number;
  errorRatio: number;
  shares: Record<string, number>;
  alerts: string[];
  startedMs: number;
  endedMs: number;
}

/** What must move, per scenario: a PromQL expression (evaluated over the phase) and how far it must move. */
interface Probe {
  metric: string;
  /** The fault value must exceed max(baseline × factor, floor). */
  factor: number;
  floor: number;
  /** The request whose p95 and error ratio are recorded (a gateway route template). */
  route: string;
  method: string;
  /** How the traces point at the culprit. */
  trace: 'dominant' | 'first-error' | 'sequential' | 'comb' | 'none';
  /** Load settings for both phases, where the script's defaults are too gentle for a short run. */
  env?: Record<string, string>;
}

const PROBES: Record<string, Probe> = {
  'payment-latency': {
    metric:
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="payment",route="/payments"}[5m])))',
    factor: 3,
    floor: 0.5,
    route: '/api/orders',
    method: 'POST',
    trace: 'dominant',
  },
  'payment-errors': {
    metric: 'sum(rate(http_server_request_duration_seconds_count{job="payment",status_code=~"5.."}[5m]))',
    factor: 5,
    floor: 0.01,
    route: '/api/orders',
    method: 'POST',
    trace: 'first-error',
  },
  'slow-query': {
    metric:
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="order",route="/orders",method="POST"}[5m])))',
    factor: 2,
    floor: 0.2,
    route: '/api/orders',
    method: 'POST',
    trace: 'dominant',
  },
  'n-plus-one': {
    metric:
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="order",route="/orders",method="GET"}[5m])))',
    factor: 1.5,
    floor: 0,
    route: '/api/orders',
    method: 'GET',
    trace: 'comb',
  },
  'pool-exhaustion': {
    metric: 'max(max_over_time(db_pool_waiting_requests{job="order"}[5m]))',
    factor: 1,
    floor: 0.5,
    route: '/api/orders',
    method: 'POST',
    trace: 'dominant',
  },
  'event-loop-block': {
    metric: 'max(max_over_time(nodejs_eventloop_lag_p99_seconds{job="payment"}[5m]))',
    factor: 3,
    floor: 0.1,
    route: '/api/orders',
    method: 'POST',
    trace: 'dominant',
  },
  'memory-leak': {
    metric:
      'max(max_over_time(process_resident_memory_bytes{job="notification"}[5m]) - min_over_time(process_resident_memory_bytes{job="notification"}[5m]))',
    factor: 2,
    floor: 8 * 1024 * 1024,
    route: '/api/orders',
    method: 'POST',
    trace: 'none',
  },
  'consumer-backlog': {
    metric: 'max(max_over_time(rabbitmq_queue_messages_ready{queue="notifications"}[5m]))',
    factor: 5,
    floor: 50,
    route: '/api/orders',
    method: 'POST',
    trace: 'dominant',
    // MessageBacklog wants more than 100 ready messages: at the script's 6 orders/s that takes about 100 s; 20/s leaves a margin.
    env: { LOAD_RATE: '20' },
  },
  'sequential-calls': {
    metric:
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="gateway",route="/api/orders",method="GET"}[5m])))',
    factor: 1.5,
    floor: 0,
    route: '/api/orders',
    method: 'GET',
    trace: 'sequential',
  },
  'retry-storm': {
    metric:
      'sum(rate(http_server_request_duration_seconds_count{job="payment",route="/payments",method="POST"}[5m])) / sum(rate(http_server_request_duration_seconds_count{job="gateway",route="/api/orders",method="POST"}[5m]))',
    factor: 1.8,
    floor: 1.8,
    route: '/api/orders',
    method: 'POST',
    trace: 'first-error',
  },
  'downstream-down': {
    metric: 'max(max_over_time(http_client_circuit_state{job="order",server="payment"}[5m]))',
    factor: 1,
    floor: 0.9,
    route: '/api/orders',
    method: 'POST',
    trace: 'first-error',
  },
  'log-flood': {
    metric: 'sum(rate(log_lines_total{job="order"}[5m]))',
    // The traces barely show it (about 1 ms more per order): the lesson is that its evidence is the log volume.
    factor: 10,
    floor: 0,
    route: '/api/orders',
    method: 'POST',
    trace: 'none',
  },
};

interface AlertRule {
  alert?: string;
  expr: string;
}

const ALERT_EXPRS = new Map<string, string[]>();
for (const rule of readYaml<{ groups: { rules: AlertRule[] }[] }>(ALERT_RULES).groups.flatMap((g) => g.rules)) {
  if (rule.alert) ALERT_EXPRS.set(rule.alert, [...(ALERT_EXPRS.get(rule.alert) ?? []), rule.expr]);
}

describe('every bottleneck scenario is findable in traces, metrics, alerts and logs', () => {
  let stack: Stack;
  let collector: OtlpCollector;
  const findings: Record<string, { baseline: Phase; fault: Phase }> = {};
  const promBin = toolBinary('prometheus');

  beforeAll(async () => {
    collector = await startOtlpCollector({ port: 0, idleMs: 500, maxRetainedSpans: 400_000, onTrace: () => {} });
    stack = new Stack({
      basePort: 23900,
      backing: backingServices(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '500',
        ADMIN_TOKEN: TOKEN,
        LOG_LEVEL: 'info',
        CIRCUIT_COOLDOWN_MS: '2000',
        RECONCILE_INTERVAL_MS: '1000',
      },
    });
    await stack.up();
  });

  afterAll(async () => {
    await stack?.down();
    await collector?.close();
    const out = join(ROOT, '.tmp/findability.json');
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    // In the catalogue's order (slow-query ran last).
    const figures = Object.fromEntries(
      (SCENARIOS as readonly Scenario[]).flatMap(({ name }) =>
        findings[name] ? [[name, figuresOf(name, findings[name])]] : [],
      ),
    );
    writeFileSync(out, JSON.stringify(figures, null, 2));
    if (process.env.WRITE_SCENARIOS_DOC === '1') writeFileSync(join(ROOT, 'docs/scenarios.md'), scenariosDoc(figures));
  });

  /** One phase: a fresh Prometheus (so every window covers this phase only), the load, then the evidence. */
  async function phase(entry: Scenario, faultOn: boolean): Promise<Phase> {
    const probe = PROBES[entry.name]!;
    const promPort = 23990;
    const dir = mkdtempSync(join(tmpdir(), 'findability-prom-'));
    const { config } = localPrometheusConfig({
      // No Alertmanager: the suite reads the alert expressions itself.
      targets: localTargets(stack.ports, `127.0.0.1:${promPort}`, '127.0.0.1:1'),
      alertmanager: '127.0.0.1:1',
      interval: '1s',
    });
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const prometheus = await Server.start(
      `prometheus-${entry.name}-${faultOn ? 'fault' : 'base'}`,
      promBin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      promPort,
      { logDir: LOG_DIR },
    );
    const api = new PrometheusApi(prometheus.url);
    try {
      await sleep(1500);
      const startedMs = Date.now();
      await load(entry.name, faultOn ? FAULT_SECONDS : BASELINE_SECONDS, faultOn, probe.env);
      // Late spans, and a few more scrapes and rule evaluations.
      await sleep(2500);
      const endedMs = Date.now();
      const spans = collector.spans().filter((s) => s.startMs >= startedMs && s.startMs <= endedMs);
      const traces = [...byTrace(spans).values()];
      const gatewayRequests = (s: CollectedSpan) =>
        s.service === 'gateway' &&
        s.kind === 'server' &&
        s.attributes['http.route'] === probe.route &&
        (s.attributes['http.request.method'] ?? s.attributes['http.method']) === probe.method;
      const roots = spans.filter(gatewayRequests);
      const alerts: string[] = [];
      // Whether each expression was true at any moment of the phase (its `for` is not waited for).
      const window = `${Math.ceil((Date.now() - startedMs) / 1000) + 2}s`;
      for (const alert of entry.evidence.alerts) {
        for (const expr of ALERT_EXPRS.get(alert) ?? []) {
          if ((await api.query(`count_over_time((${expr})[${window}:1s])`)).length > 0) {
            alerts.push(alert);
            break;
          }
        }
      }
      const metric = Number((await api.query(probe.metric))[0]?.value[1] ?? 0);
      return {
        spans,
        traces,
        metric: Number.isFinite(metric) ? metric : 0,
        p95: quantile(
          roots.map((s) => s.durationMs),
          0.95,
        ),
        errorRatio:
          roots.length > 0
            ? roots.filter(
                (s) => Number(s.attributes['http.response.status_code'] ?? s.attributes['http.status_code']) >= 500,
              ).length / roots.length
            : 0,
        shares: selfTimeShares(
          traces.filter((t) => t.some(gatewayRequests) || t.some((s) => s.service === entry.evidence.trace.culprit)),
        ),
        alerts,
        startedMs,
        endedMs,
      };
    } finally {
      await prometheus.stop();
    }
  }

  /** The scenario's own load script, through `npm run load` (the Node engine), switching its fault or not. */
  async function load(
    scenario: string,
    seconds: number,
    faultOn: boolean,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const summary = join(mkdtempSync(join(tmpdir(), 'findability-load-')), 'summary.json');
    await run(
      process.execPath,
      ['scripts/load.mjs', `scenarios/${scenario}`, '--engine', 'node', '--summary-export', summary],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...stack.urlEnv(),
          ADMIN_TOKEN: TOKEN,
          LOAD_DURATION: `${seconds}s`,
          FAULT: faultOn ? 'on' : 'off',
          ...extra,
        },
        timeout: (seconds + 60) * 1000,
      },
    ).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      // 99: a threshold failed, which a degraded run may do; anything else is a broken run.
      if (error.code !== 99)
        throw new Error(`load ${scenario} failed (${error.code}):\n${error.stdout}\n${error.stderr}`);
    });
  }

  /** Back to normal before the next scenario: no fault on (`npm run fault -- off --all`), payment answering again. */
  async function settle(): Promise<void> {
    const cliEnv = {
      ADMIN_TOKEN: TOKEN,
      ...stack.urlEnv(),
    };
    await faultCli(['off', '--all'], { env: cliEnv, out: () => undefined });
    await eventually(
      async () => (await fetch(`${stack.urls.gateway}/health/ready`)).ok || undefined,
      30_000,
      'gateway ready',
    );
    await sleep(3_000);
    await databasesQuiet();
  }

  /**
   * Until PostgreSQL has finished what a scenario left running in the stack's databases — a check still in
   * flight, autovacuum and ANALYZE after slow-query's million seeded rows — so the next baseline is not
   * measured beside it: three samples in a row with nothing active there but this query.
   */
  async function databasesQuiet(): Promise<void> {
    const names = Object.values(stack.databaseUrls).map((url) => new URL(url).pathname.slice(1));
    const client = new pg.Client({ connectionString: backingServices().adminUrl });
    await client.connect();
    try {
      let quiet = 0;
      await eventually(
        async () => {
          const { rows } = await client.query<{ busy: number }>(
            "SELECT count(*)::int AS busy FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = ANY($1) AND state = 'active'",
            [names],
          );
          quiet = rows[0]!.busy === 0 ? quiet + 1 : 0;
          if (quiet < 3) await sleep(200);
          return quiet >= 3 || undefined;
        },
        120_000,
        "the stack's databases idle",
      );
    } finally {
      await client.end();
    }
  }

  // slow-query runs last: the million past orders it seeds stay (on purpose), and the vacuum and statistics
  // work that follows them must not run beside another scenario's measurements.
  const ORDER = [...(SCENARIOS as readonly Scenario[])].sort(
    (a, b) => Number(a.name === 'slow-query') - Number(b.name === 'slow-query'),
  );

  describe.each(ORDER)('$name', (entry) => {
    const probe = PROBES[entry.name]!;
    let baseline: Phase;
    let fault: Phase;

    beforeAll(
      async () => {
        baseline = await phase(entry, false);
        fault = await phase(entry, true);
        findings[entry.name] = { baseline, fault };
        await settle();
      },
      (BASELINE_SECONDS + FAULT_SECONDS + 120) * 1000,
    );

    it(`moves its metric against the baseline`, () => {
      expect(fault.metric, `${probe.metric}: fault ${fault.metric} vs baseline ${baseline.metric}`).toBeGreaterThan(
        Math.max(baseline.metric * probe.factor, probe.floor),
      );
    });

    it(`makes the expressions of its alerts true (${entry.evidence.alerts.join(', ') || 'none expected'})`, () => {
      expect(fault.alerts).toEqual(entry.evidence.alerts);
    });

    it(`points the traces at ${entry.evidence.trace.culprit}`, () => {
      const culprit = entry.evidence.trace.culprit;
      expect(fault.traces.length).toBeGreaterThan(0);
      switch (probe.trace) {
        case 'dominant': {
          const top = Object.entries(fault.shares).sort((a, b) => b[1] - a[1])[0]?.[0];
          expect(top, JSON.stringify(fault.shares)).toBe(culprit);
          break;
        }
        case 'first-error': {
          const first = firstFailingServices(fault.traces);
          const top = Object.entries(first).sort((a, b) => b[1] - a[1])[0]?.[0];
          expect(top, JSON.stringify(first)).toBe(culprit);
          break;
        }
        case 'sequential': {
          // The gateway's calls to notification within one request: stacked (parallel) or a staircase.
          const toNotification = (s: CollectedSpan) =>
            s.service === 'gateway' &&
            s.kind === 'client' &&
            String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes('/notifications');
          // A client span ends when undici reports the response done, a moment after the caller read the body
          // and may already have sent the next call: trim 2 ms so that hand-over does not count as overlap.
          const trimmed = (spans: CollectedSpan[]) =>
            spans.map((s) => ({ ...s, endMs: Math.max(s.startMs, s.endMs - 2) }));
          const overlap = (phase: Phase) =>
            Math.max(
              0,
              ...[...byTrace(phase.spans.filter(toNotification)).values()].map((t) => maxOverlap(trimmed(t))),
            );
          expect(overlap(fault)).toBe(1);
          expect(overlap(baseline)).toBeGreaterThan(1);
          break;
        }
        case 'comb': {
          const queriesPerList = (phase: Phase) =>
            Math.max(
              0,
              ...phase.traces.map(
                (t) =>
                  t.filter(
                    (s) =>
                      s.service === 'order' &&
                      /FROM "order_items"/.test(
                        String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? ''),
                      ),
                  ).length,
              ),
            );
          expect(queriesPerList(fault)).toBeGreaterThan(5);
          expect(queriesPerList(baseline)).toBeLessThanOrEqual(1);
          break;
        }
        case 'none':
          // memory-leak and log-flood: the lesson is that the traces look normal; their evidence is in the metrics.
          expect(firstFailingServices(fault.traces)).toEqual({});
          break;
      }
    });

    it(`marks ${entry.evidence.trace.culprit}'s log lines with the fault and trace ids`, () => {
      const lines = stack
        .logOf(entry.evidence.trace.culprit)
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => Date.parse(String(l.time)) >= fault.startedMs && Date.parse(String(l.time)) <= fault.endedMs);
      const marked = lines.filter((l) => l.fault === entry.name);
      expect(marked.length).toBeGreaterThan(0);
      expect(marked.some((l) => /^[0-9a-f]{32}$/.test(String(l.trace_id)))).toBe(true);
    });
  });
});

interface Figures {
  service: string;
  p95BaselineMs: number;
  p95FaultMs: number;
  p95Ratio: number;
  errorRatioBaseline: number;
  errorRatioFault: number;
  culpritShareBaseline: number;
  culpritShareFault: number;
  metricBaseline: number;
  metricFault: number;
  alerts: string[];
}

function figuresOf(name: string, { baseline, fault }: { baseline: Phase; fault: Phase }): Figures {
  const culprit = SCENARIOS.find((s) => s.name === name)!.evidence.trace.culprit;
  return {
    service: culprit,
    p95BaselineMs: round(baseline.p95),
    p95FaultMs: round(fault.p95),
    p95Ratio: round(fault.p95 / baseline.p95, 2),
    errorRatioBaseline: round(baseline.errorRatio, 3),
    errorRatioFault: round(fault.errorRatio, 3),
    culpritShareBaseline: round(baseline.shares[culprit] ?? 0, 2),
    culpritShareFault: round(fault.shares[culprit] ?? 0, 2),
    metricBaseline: round(baseline.metric, 4),
    metricFault: round(fault.metric, 4),
    alerts: fault.alerts,
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * f) / f : Number.NaN;
}

function scenariosDoc(figures: Record<string, Figures>): string {
  const rows = Object.entries(figures).map(([name, f]) => {
    const probe = PROBES[name]!;
    const load = probe.env
      ? ` (${Object.entries(probe.env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')})`
      : '';
    return `| \`${name}\` | ${f.service} | ${probe.method} ${probe.route}${load} | ${f.p95BaselineMs} → ${f.p95FaultMs} ms (×${f.p95Ratio}) | ${pct(f.errorRatioBaseline)} → ${pct(f.errorRatioFault)} | ${pct(f.culpritShareBaseline)} → ${pct(f.culpritShareFault)} | ${f.metricBaseline} → ${f.metricFault} | ${f.alerts.map((a) => `\`${a}\``).join(', ') || '—'} |`;
  });
  return `# Scenarios: baseline vs fault

Measured by \`test/integration/findability.int-spec.ts\` on ${new Date().toISOString().slice(0, 10)}: the four services as real
processes on PostgreSQL and RabbitMQ, OTLP to a receiver in the test, a fresh real Prometheus per phase with the real rules.
Each scenario's own load script (\`npm run load -- scenarios/<name>\`, Node engine) ran ${BASELINE_SECONDS} s with the fault off, then
${FAULT_SECONDS} s with it on, at the catalogue's default parameters. On a 2-core machine, so read the ratios, not the absolute times.

- **p95** and **5xx**: the gateway request the scenario drives (from the gateway's server spans).
- **culprit's share**: the culprit service's share of the self time of all spans of those traces (time spent, not waited).
- **metric**: the expression the suite checks (\`PROBES\` in the test), over the phase.
- **alerts**: the catalogue's alerts whose expression was true at some moment of the fault phase (their \`for\` is not waited for).

| scenario | culprit | request | p95 baseline → fault | 5xx | culprit's share | metric | alerts |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

The metric of each scenario (the fault value must exceed max(baseline × factor, floor)):

${Object.entries(PROBES)
  .map(([name, p]) => `- \`${name}\`: \`${p.metric}\` (×${p.factor}, floor ${p.floor})`)
  .join('\n')}

Rerun (about ${Math.round(((BASELINE_SECONDS + FAULT_SECONDS + 12) * SCENARIOS.length) / 60)} minutes; needs \`npm run build\` and \`node scripts/ci/backing-services.mjs start\`):

\`\`\`sh
WRITE_SCENARIOS_DOC=1 npx vitest run --project integration test/integration/findability.int-spec.ts
\`\`\`
`;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}
