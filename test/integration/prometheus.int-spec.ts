import { DECLINED_TEST_CARD } from '@app/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  panelQueries,
  substituteVariables,
  traceToMetricsQueries,
  variableQueries,
} from '../config/support/grafana.js';
import { MetricNames } from '../support/promql.js';
import { ORDER, freePorts } from '../support/boot.js';
import {
  ALERT_RULES,
  JOBS_WITHOUT_LOCAL_TARGET,
  PrometheusApi,
  RABBITMQ_PROMETHEUS,
  localPrometheusConfig,
  localTargets,
  readYaml,
  withShorterFor,
} from './support/prometheus.js';
import { LOG_DIR, SERVICES, Stack, backingServices, eventually, rabbitmqctl } from './support/stack.js';
import { Mailpit, SlackWebhook, localAlertmanagerConfig } from '../support/alertmanager.js';
import type { Server } from '../support/server.js';
import { startAlertmanager, startPrometheus } from '../support/tool-servers.js';

/**
 * The repository's real Prometheus and Alertmanager configs, run by the real servers against
 * the four services as real processes on real PostgreSQL and RabbitMQ, under a little traffic:
 * every target up, every recording rule and dashboard query with data, exemplars that lead to
 * the requests' traces, and one alert (ServiceDown) delivered end to end to the notification service.
 *
 * Changed for the test only: loopback targets, 1 s intervals, Alertmanager's webhook URL, token
 * file, SMTP server (a real Mailpit), Slack URL file (a local stand-in for Slack) and group timings,
 * and ServiceDown's `for` (1m in alerts.yml, 5s here, so that the alert fires within the time
 * budget; the rule's expression and labels are the real ones).
 */
const INTERVAL = '1s';
const SERVICE_DOWN_FOR = '5s';
const TRAFFIC_MS = 20_000;

/** Recording rules that cannot have data here, with why. Empty: every rule is fed by the services or the broker. */
const RULES_WITHOUT_DATA: Record<string, string> = {};

/** Dashboard queries (dashboard uid › panel title › refId) that cannot have data here, with why. */
const NO_POSTGRES_EXPORTER =
  'postgres_exporter metrics: no postgres_exporter runs here (job postgres-exporter is left out)';
const PANEL_QUERIES_WITHOUT_DATA: Record<string, string> = {
  'bottleneck-hunting › PostgreSQL active backends › A': NO_POSTGRES_EXPORTER,
  'rabbitmq-postgres › PostgreSQL up › A': NO_POSTGRES_EXPORTER,
  'rabbitmq-postgres › Backends by state (pg_stat_activity) › A': NO_POSTGRES_EXPORTER,
  'rabbitmq-postgres › Connections used of max_connections › A': NO_POSTGRES_EXPORTER,
  'rabbitmq-postgres › Transactions per second (commit and rollback) › A': NO_POSTGRES_EXPORTER,
  'rabbitmq-postgres › Transactions per second (commit and rollback) › B': NO_POSTGRES_EXPORTER,
  'service-overview › Active workshop faults › A':
    'workshop_fault_active has a series only while a fault is switched on; this test switches none on',
};

const token = randomBytes(24).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'workshop-prometheus-'));
const startedAt = Date.now();
let stack: Stack;
let prometheus: Server | undefined;
let alertmanager: Server | undefined;
let mailpit: Mailpit | undefined;
let slack: SlackWebhook | undefined;
let api: PrometheusApi;
let traffic: Traffic;
let dropped: string[] = [];
let realRuleFiles: string[] = [];

/** Orders through the gateway from a few concurrent clients, each request in a trace of our own. */
class Traffic {
  readonly statuses = new Map<number, number>();
  readonly traceIds = new Set<string>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly gateway: string,
    clients = 2,
    private readonly pauseMs = 60,
  ) {
    this.loops = Array.from({ length: clients }, (_, c) => this.loop(c));
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(client: number): Promise<void> {
    for (let i = 0; this.running; i++) {
      await this.send(i % 20, `c-load-${client}-${i}`).catch(() => this.record(0));
      await sleep(this.pauseMs);
    }
  }

  /** Mostly approved orders, some declined cards, some client mistakes (400, 404), a notification lookup. */
  private async send(kind: number, customerId: string): Promise<void> {
    const traceId = randomBytes(16).toString('hex');
    this.traceIds.add(traceId);
    const headers = {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    };
    const order = (body: unknown) =>
      fetch(`${this.gateway}/api/orders`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    let res: Response;
    if (kind < 13) res = await order({ ...ORDER, customerId });
    else if (kind < 16) res = await order({ ...ORDER, customerId, payment: { cardNumber: DECLINED_TEST_CARD } });
    else if (kind === 16) res = await order({ ...ORDER, items: [] });
    else if (kind === 17) res = await order('{"customerId": ');
    else if (kind === 18) res = await fetch(`${this.gateway}/api/orders/${randomUUID()}`, { headers });
    else res = await fetch(`${this.gateway}/api/notifications?orderId=${randomUUID()}`, { headers });
    await res.arrayBuffer();
    this.record(res.status);
  }

  private record(status: number): void {
    this.statuses.set(status, this.count(status) + 1);
  }
}

interface StoredAlert {
  alertname: string;
  service: string | null;
  severity: string | null;
  status: string;
  summary: string | null;
  labels: Record<string, string>;
}

async function storedAlerts(): Promise<StoredAlert[]> {
  const res = await fetch(`${stack.urls.notification}/alerts?limit=100`);
  return ((await res.json()) as { data: StoredAlert[] }).data;
}

/** ServiceDown's annotations as alerts.yml writes them (the links are not templated). */
function serviceDownAnnotations(): { runbook_url: string; dashboard: string } {
  type Rules = { groups: { rules: { alert?: string; annotations?: { runbook_url: string; dashboard: string } }[] }[] };
  const rule = readYaml<Rules>(ALERT_RULES)
    .groups.flatMap((g) => g.rules)
    .find((r) => r.alert === 'ServiceDown');
  if (!rule?.annotations) throw new Error('alerts.yml has no ServiceDown with annotations');
  return rule.annotations;
}

async function startMonitoring(): Promise<void> {
  const [prometheusPort, alertmanagerPort, smtpPort, mailpitPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const alertRules = join(dir, 'alerts.yml');
  withShorterFor(ALERT_RULES, 'ServiceDown', SERVICE_DOWN_FOR, alertRules);
  const local = localPrometheusConfig({
    targets: localTargets(stack.ports, `127.0.0.1:${prometheusPort}`, `127.0.0.1:${alertmanagerPort}`),
    alertmanager: `127.0.0.1:${alertmanagerPort}`,
    interval: INTERVAL,
    ruleFileReplacements: { [ALERT_RULES]: alertRules },
  });
  realRuleFiles = local.realRuleFiles;
  dropped = local.dropped;
  writeFileSync(join(dir, 'prometheus.yml'), stringify(local.config));

  mailpit = await Mailpit.start({ smtpPort, httpPort: mailpitPort, logDir: LOG_DIR });
  slack = await SlackWebhook.start();
  writeFileSync(join(dir, 'webhook-token'), `${token}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'slack-webhook-url'), `${slack.url}\n`, { mode: 0o600 });
  const amConfig = localAlertmanagerConfig({
    webhookUrl: `${stack.urls.notification}/alerts`,
    tokenFile: join(dir, 'webhook-token'),
    smtp: mailpit.smtp,
    slackUrlFile: join(dir, 'slack-webhook-url'),
    groupTiming: '1s',
  });
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(amConfig));

  alertmanager = await startAlertmanager('alertmanager', dir, alertmanagerPort, {
    dataDir: 'alertmanager-data',
    logDir: LOG_DIR,
  });
  prometheus = await startPrometheus('prometheus', dir, prometheusPort, {
    dataDir: 'prometheus-data',
    flags: ['--enable-feature=exemplar-storage'],
    logDir: LOG_DIR,
  });
  api = new PrometheusApi(prometheus.url);
}

beforeAll(async () => {
  const rabbitmqMetrics = await fetch(`http://${RABBITMQ_PROMETHEUS}/metrics`).then(
    (r) => r.ok,
    () => false,
  );
  if (!rabbitmqMetrics) {
    throw new Error(
      `RabbitMQ's prometheus plugin does not answer on ${RABBITMQ_PROMETHEUS}: run \`node scripts/ci/backing-services.mjs start\``,
    );
  }
  stack = new Stack({ basePort: 23500, backing: backingServices(), env: { ALERT_WEBHOOK_TOKEN: token } });
  await stack.up();
  await startMonitoring();
  traffic = new Traffic(stack.urls.gateway);
  await sleep(TRAFFIC_MS);
});

afterAll(async () => {
  await traffic?.stop();
  await prometheus?.stop();
  await alertmanager?.stop();
  await mailpit?.stop();
  await slack?.stop();
  await stack?.down();
  rmSync(dir, { recursive: true, force: true });
});

describe('the test config made from observability/prometheus/prometheus.yml', () => {
  it('leaves out exactly the jobs that have nothing to scrape here, each for a stated reason', () => {
    expect(dropped.sort()).toEqual(Object.keys(JOBS_WITHOUT_LOCAL_TARGET).sort());
    for (const job of dropped)
      expect(JOBS_WITHOUT_LOCAL_TARGET[job]!.split(' ').length, 'a stated reason').toBeGreaterThanOrEqual(5);
  });

  it('loads the real rule files, changing nothing in alerts.yml but ServiceDown’s `for`', async () => {
    type Rules = { groups: { rules: { alert?: string; record?: string; for?: string }[] }[] };
    const names = (rules: Rules) => rules.groups.flatMap((g) => g.rules.map((r) => r.alert ?? r.record));
    const loaded = (await api.rules()).map((r) => r.name);
    expect(loaded.sort()).toEqual(realRuleFiles.flatMap((f) => names(readYaml<Rules>(f))).sort());
    const original = readYaml<Rules>(ALERT_RULES);
    for (const group of original.groups)
      for (const rule of group.rules) if (rule.alert === 'ServiceDown') rule.for = SERVICE_DOWN_FOR;
    expect(readYaml<Rules>(join(dir, 'alerts.yml'))).toEqual(original);
  });
});

describe('Prometheus scraping the stack', () => {
  it('has every scrape target up', async () => {
    const targets = await api.targets();
    expect(targets.map((t) => t.labels.job).sort()).toEqual([
      'alertmanager',
      'gateway',
      'notification',
      'order',
      'payment',
      'prometheus',
      'rabbitmq',
    ]);
    // One scrape a second on a busy 2-core machine: a single slow scrape is retried, not reported.
    const down = async () =>
      (await api.targets()).filter((t) => t.health !== 'up').map((t) => `${t.labels.job}: ${t.health} ${t.lastError}`);
    await eventually(async () => (await down()).length === 0, 5_000, 'every target up').catch(() => undefined);
    expect(await down()).toEqual([]);
  });

  it('evaluates every recording and alerting rule without an error', async () => {
    const broken = (await api.rules()).filter((r) => r.health !== 'ok');
    expect(broken.map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('keeps exemplars on the HTTP server histogram of each service that carry the trace ids of the requests', async () => {
    const series = await api.exemplars('http_server_request_duration_seconds_bucket', startedAt);
    for (const job of SERVICES) {
      const traceIds = series
        .filter((s) => s.seriesLabels.job === job)
        .flatMap((s) => s.exemplars.map((e) => e.labels.trace_id))
        .filter((id): id is string => Boolean(id));
      expect(traceIds.length, job).toBeGreaterThan(0);
      for (const id of traceIds) expect(id, job).toMatch(/^[0-9a-f]{32}$/);
      // The gateway continues the caller's trace and passes it on: the exemplars lead to our requests.
      expect(
        traceIds.some((id) => traffic.traceIds.has(id)),
        job,
      ).toBe(true);
    }
  });
});

describe('when the payment service stops', () => {
  const isPaymentDown = (a: StoredAlert) => a.alertname === 'ServiceDown' && a.service === 'payment';

  it('answers orders with 503, fires ServiceDown for job payment, and Alertmanager delivers it to the notification service', async () => {
    const unavailable = traffic.count(503);
    await stack.stop('payment');
    const alert = await eventually(
      async () => (await storedAlerts()).find((a) => isPaymentDown(a) && a.status === 'firing'),
      40_000,
      `ServiceDown for payment at GET /alerts (logs: ${prometheus!.logFile}, ${alertmanager!.logFile})`,
    );
    expect(alert).toMatchObject({ severity: 'critical', summary: 'payment is down' });
    expect(alert!.labels).toMatchObject({
      alertname: 'ServiceDown',
      job: 'payment',
      severity: 'critical',
      service: 'payment',
    });
    await eventually(async () => traffic.count(503) > unavailable, 10_000, 'orders answered 503 while payment is down');
  });

  it('emails on-call about it through Mailpit: subject and body name the alert, the service, the summary and the links', async () => {
    const { runbook_url: runbook, dashboard } = serviceDownAnnotations();
    const mail = await eventually(
      async () => (await mailpit!.find('oncall@workshop.local', /^\[FIRING:\d+\] ServiceDown on payment/))[0],
      15_000,
      `the ServiceDown email in Mailpit (logs: ${alertmanager!.logFile}, ${mailpit!.logFile})`,
    );
    const jaeger = 'http://localhost:16686/search?service=payment';
    expect(mail.Subject).toBe('[FIRING:1] ServiceDown on payment: payment is down');
    expect(mail.Text).toMatch(/^Since: {7}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    for (const text of [
      'FIRING: ServiceDown on payment (critical)',
      'Summary:     payment is down',
      'Description: Prometheus has not been able to scrape payment',
      `Runbook:     ${runbook}`,
      `Dashboard:   ${dashboard}`,
      `Traces:      ${jaeger}`,
    ]) {
      expect(mail.Text).toContain(text);
    }
    for (const href of [runbook, dashboard, jaeger]) expect(mail.HTML).toContain(`href="${href}"`);
    await eventually(
      async () => slack!.received.some((m) => m.attachments[0]?.title === '[FIRING:1] ServiceDown on payment'),
      10_000,
      'ServiceDown posted to the stand-in Slack webhook',
    );
  });

  it('mutes a latency alert of the payment service while ServiceDown fires, but not one of another service', async () => {
    const latency = (service: string) => ({
      labels: { alertname: 'HighP95Latency', severity: 'warning', service },
      annotations: { summary: `${service} answers slowly` },
      endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    const posted = await fetch(`${alertmanager!.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([latency('payment'), latency('order')]),
    });
    expect(posted.status).toBe(200);
    await eventually(
      async () => (await storedAlerts()).some((a) => a.alertname === 'HighP95Latency' && a.service === 'order'),
      15_000,
      'the order latency alert',
    );
    const inAlertmanager = (await (await fetch(`${alertmanager!.url}/api/v2/alerts`)).json()) as {
      fingerprint: string;
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[]; silencedBy: string[]; mutedBy: string[] };
    }[];
    const alertIn = (alertname: string, service: string) =>
      inAlertmanager.find((a) => a.labels.alertname === alertname && a.labels.service === service);
    expect(alertIn('HighP95Latency', 'payment')?.status).toEqual({
      state: 'suppressed',
      inhibitedBy: [alertIn('ServiceDown', 'payment')?.fingerprint],
      silencedBy: [],
      mutedBy: [], // since Alertmanager 0.27 the API also lists the time intervals muting an alert
    });
    await sleep(2_000); // two more group intervals for it to (wrongly) arrive
    expect((await storedAlerts()).some((a) => a.alertname === 'HighP95Latency' && a.service === 'payment')).toBe(false);
  });

  it('delivers the resolution once the payment service is back, and with it the muted alert', async () => {
    await stack.start('payment');
    await eventually(
      async () => {
        const rows = await storedAlerts();
        return (
          rows.some((a) => isPaymentDown(a) && a.status === 'resolved') &&
          rows.some((a) => a.alertname === 'HighP95Latency' && a.service === 'payment')
        );
      },
      30_000,
      `the resolved ServiceDown and the unmuted latency alert (log: ${alertmanager!.logFile})`,
    );
  });

  it('emails on-call the resolution', async () => {
    const mail = await eventually(
      async () => (await mailpit!.find('oncall@workshop.local', /^\[RESOLVED\] ServiceDown on payment/))[0],
      15_000,
      `the resolved ServiceDown email in Mailpit (log: ${alertmanager!.logFile})`,
    );
    expect(mail.Text).toContain('RESOLVED: ServiceDown on payment (critical)');
    expect(mail.Text).toContain(`Runbook:     ${serviceDownAnnotations().runbook_url}`);
  });
});

describe('when notification writes fail and the broker drops the connections', () => {
  it('retries a failing notification write, then dead-letters the event, and Prometheus sees both', async () => {
    await stack.query('notification', 'ALTER TABLE notifications RENAME TO notifications_offline');
    try {
      await eventually(
        async () => (await api.query('sum(messages_dead_lettered_total{reason="retries_exhausted"}) > 0')).length > 0,
        30_000,
        'a dead-lettered event in Prometheus',
      );
    } finally {
      await stack.query('notification', 'ALTER TABLE notifications_offline RENAME TO notifications');
    }
    expect(await api.query('sum(message_retries_total) > 0')).toHaveLength(1);
  });

  it('counts the outbox publishes that fail while the order service is disconnected, then publishes the backlog', async () => {
    const vhost = decodeURIComponent(new URL(stack.rabbitUrl!).pathname.slice(1));
    // Only this run's virtual host: other runs on the shared broker keep their connections.
    rabbitmqctl('close_all_connections', '-p', vhost, 'prometheus.int-spec drops the connections');
    await eventually(
      async () => (await api.query('sum(outbox_publish_failures_total) > 0')).length > 0,
      30_000,
      'a failed publish in Prometheus',
    );
    await eventually(
      async () => (await api.query('max(outbox_backlog_events{job="order"}) == 0')).length > 0,
      30_000,
      'an empty outbox',
    );
  });
});

describe('after the traffic, the outage and the failures (which gave the 5xx, retry and failure series)', () => {
  beforeAll(async () => {
    if (stack.process('payment')?.exitCode !== null) await stack.start('payment');
    // Let every rule group evaluate over what happened.
    await sleep(3_000);
  });

  it('returns at least one series for every recording rule in rules/recording.yml', async () => {
    const recording = (await api.rules()).filter((r) => r.type === 'recording').map((r) => r.name);
    expect(recording.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const name of recording) if ((await api.query(name)).length === 0) empty.push(name);
    expect(empty.sort()).toEqual(Object.keys(RULES_WITHOUT_DATA).sort());
  });

  it('returns data for every Prometheus query of every Grafana dashboard panel', async () => {
    const queries = panelQueries();
    expect(queries.length, 'no dashboard queries found in observability/grafana/dashboards').toBeGreaterThan(0);
    const empty: string[] = [];
    for (const q of queries) {
      const expr = substituteVariables(q.expr);
      const series = q.instant ? await api.query(expr) : await api.queryRange(expr, startedAt);
      if (series.length === 0) empty.push(`${q.dashboard} › ${q.panel} › ${q.refId}`);
    }
    expect(empty.sort()).toEqual(Object.keys(PANEL_QUERIES_WITHOUT_DATA).sort());
  });

  it('leaves without data only queries of postgres_exporter metrics, which nothing exports here, and of faults, which none is on', async () => {
    const excepted = panelQueries().filter(
      (q) => `${q.dashboard} › ${q.panel} › ${q.refId}` in PANEL_QUERIES_WITHOUT_DATA,
    );
    expect(excepted).toHaveLength(Object.keys(PANEL_QUERIES_WITHOUT_DATA).length);
    const metrics = await MetricNames.of(
      excepted.map((q) => substituteVariables(q.expr)),
      prometheus!.url,
    );
    for (const q of excepted) {
      const names = metrics.of(substituteVariables(q.expr));
      expect(
        names.every((m) => m.startsWith('pg_') || m === 'workshop_fault_active'),
        q.expr,
      ).toBe(true);
    }
  });

  it('shows trace exemplars on every panel that asks for them', async () => {
    const withExemplars = panelQueries().filter((q) => q.exemplar);
    expect(withExemplars.length).toBeGreaterThan(0);
    for (const q of withExemplars) {
      const traceIds = (await api.exemplars(substituteVariables(q.expr), startedAt)).flatMap((s) =>
        s.exemplars.map((e) => e.labels.trace_id),
      );
      expect(traceIds.filter(Boolean).length, `${q.dashboard} › ${q.panel}`).toBeGreaterThan(0);
    }
  });

  it('returns data for the dashboards’ variable queries and the Jaeger datasource’s trace-to-metrics queries', async () => {
    const queries = [
      ...variableQueries().map((v) => ({ what: `${v.dashboard} › $${v.variable}`, expr: v.expr })),
      ...traceToMetricsQueries().map((t) => ({
        what: `trace to metrics › ${t.name}`,
        expr: substituteVariables(t.expr),
      })),
    ];
    const empty: string[] = [];
    for (const q of queries) if ((await api.query(q.expr)).length === 0) empty.push(q.what);
    expect(empty).toEqual([]);
  });
});
