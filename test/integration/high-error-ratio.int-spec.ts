import { type Scenario, SCENARIOS } from '@app/faults';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server as HttpServer, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../support/boot.js';
import type { Server } from '../support/server.js';
import { startPrometheus } from '../support/tool-servers.js';
import { promtool } from '../support/tools.js';
import { PROMETHEUS_CONFIG, type PrometheusConfig, PrometheusApi, readYaml } from './support/prometheus.js';

/**
 * HighErrorRatio's timing, in real time, by the real Prometheus with the repository's
 * prometheus.yml intervals (15 s scrape and evaluation, unchanged) and rule files: on a stack
 * that served an hour of clean traffic, payment-errors at its catalogue defaults pages within
 * about 3 minutes — not after the 1-hour window has filled with errors.
 *
 * The warm hour is history written into Prometheus' storage beforehand with promtool's backfill
 * (`promtool tsdb create-blocks-from openmetrics`); from then on Prometheus scrapes two loopback
 * targets that export payment's and the gateway's request counters, growing as the background load
 * (compose's `load`, LOAD_RATE orders/s from .env) makes them grow, with the fault's share of 502s
 * from the moment it is switched on. The counters, not the services, stand in here: what is measured
 * is how the rules turn that traffic into an alert. promtool's cases in
 * observability/prometheus/tests/availability.yml cover the rest in simulated time (the blip that
 * must not page, the recovery).
 */

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * payment, the culprit, fails 30% of its requests: its page comes about 3 minutes after the fault. Its
 * `for` (2 minutes) starts when the 1-minute ratio first evaluates over 7.2%, which with 15 s scrapes
 * and evaluations takes up to 75 s — the fault's first scrape (≤15 s), a second sample for rate() (15 s),
 * the recording rule's evaluation (≤15 s), the alert's in its own group (≤15 s) — and the alert fires at
 * the first evaluation after the `for` (≤15 s): at most 3¼ minutes, 149–183 s measured here.
 */
const PAGE_WITHIN_MS = 195_000;
/**
 * The gateway fails about half that share: its 502 series, born with the fault, must be scraped two or
 * three times before the 1-minute ratio passes 7.2%, so its page may come up to one scrape later.
 */
const GATEWAY_SLACK_MS = 15_000;
/** The page's `for` in alerts.yml: the alert may not fire before it has passed. */
const PAGE_FOR_MS = 120_000;

const PAYMENT_ERRORS = (SCENARIOS as readonly Scenario[]).find((s) => s.name === 'payment-errors');
const PROBABILITY = PAYMENT_ERRORS?.params.probability?.default ?? Number.NaN;
const LOAD_RATE = Number(/^LOAD_RATE=(\d+(?:\.\d+)?)$/m.exec(readFileSync(join(ROOT, '.env'), 'utf8'))?.[1]);

interface SeriesRate {
  labels: Record<string, string>;
  /** Requests per second of this series while the fault is off and while it is on. */
  off: number;
  on: number;
}

/**
 * Per order of the background load: payment answers one POST /payments; the gateway one
 * POST /api/orders and about one read (the read-back, history and notification lookups of
 * loadtest/lib/flows.js), which never fails. So payment fails `probability` of its requests, the
 * gateway about half that.
 */
const JOBS: Record<'payment' | 'gateway', SeriesRate[]> = {
  payment: [
    {
      labels: { method: 'POST', route: '/payments', status_code: '201' },
      off: LOAD_RATE,
      on: LOAD_RATE * (1 - PROBABILITY),
    },
    { labels: { method: 'POST', route: '/payments', status_code: '502' }, off: 0, on: LOAD_RATE * PROBABILITY },
  ],
  gateway: [
    {
      labels: { method: 'POST', route: '/api/orders', status_code: '201' },
      off: LOAD_RATE,
      on: LOAD_RATE * (1 - PROBABILITY),
    },
    { labels: { method: 'POST', route: '/api/orders', status_code: '502' }, off: 0, on: LOAD_RATE * PROBABILITY },
    { labels: { method: 'GET', route: '/api/orders', status_code: '200' }, off: LOAD_RATE, on: LOAD_RATE },
  ],
};

const METRIC = 'http_server_request_duration_seconds_count';
const WARM_MS = 65 * 60_000;
const dir = mkdtempSync(join(tmpdir(), 'workshop-high-error-ratio-'));
/** When the simulated traffic began (an hour and five minutes before the test), and when the fault went on. */
const originMs = Date.now() - WARM_MS;
let faultOnMs = Number.POSITIVE_INFINITY;

/** A counter's value at `atMs`: its rate integrated over the fault-off and fault-on stretches. */
function counter(rate: SeriesRate, atMs: number): number {
  const offSeconds = (Math.min(atMs, faultOnMs) - originMs) / 1000;
  const onSeconds = Math.max(0, atMs - faultOnMs) / 1000;
  return Math.floor(rate.off * offSeconds + rate.on * onSeconds);
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');

/** The exposition a service's /metrics would give; a series appears with its first request, as prom-client's do. */
function exposition(job: keyof typeof JOBS): string {
  const now = Date.now();
  const lines = JOBS[job]
    .filter((rate) => counter(rate, now) > 0)
    .map((rate) => `${METRIC}{${labelText(rate.labels)}} ${counter(rate, now)}`);
  return `# TYPE ${METRIC} untyped\n${lines.join('\n')}\n`;
}

/** The warm hour as OpenMetrics with timestamps, every 15 s up to now, labelled as Prometheus will label the scrapes. */
function history(instances: Record<keyof typeof JOBS, string>): string {
  const lines = [`# TYPE ${METRIC} unknown`];
  const now = Date.now();
  for (const job of Object.keys(JOBS) as (keyof typeof JOBS)[]) {
    for (const rate of JOBS[job].filter((r) => r.off > 0)) {
      const labels = labelText({ job, instance: instances[job], ...rate.labels });
      for (let at = originMs; at <= now; at += 15_000)
        lines.push(`${METRIC}{${labels}} ${counter(rate, at)} ${(at / 1000).toFixed(3)}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function activeAlerts(prometheusUrl: string): Promise<Alert[]> {
  const body = (await fetch(`${prometheusUrl}/api/v1/alerts`).then((r) => r.json())) as { data: { alerts: Alert[] } };
  return body.data.alerts;
}

describe('HighErrorRatio on a warmed stack, in real time, by the real Prometheus', () => {
  let prometheus: Server | undefined;
  let api: PrometheusApi;
  const targets: HttpServer[] = [];
  let interval = '';

  beforeAll(async () => {
    expect(PROBABILITY, 'payment-errors has a default probability in the catalogue').toBeGreaterThan(0);
    expect(LOAD_RATE, '.env sets LOAD_RATE').toBeGreaterThan(0);
    const [prometheusPort, paymentPort, gatewayPort] = (await freePorts(3)) as [number, number, number];
    const instances = { payment: `127.0.0.1:${paymentPort}`, gateway: `127.0.0.1:${gatewayPort}` };
    for (const [job, port] of [
      ['payment', paymentPort],
      ['gateway', gatewayPort],
    ] as const) {
      const server = createServer((req, res) => {
        if (req.url !== '/metrics') return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(job));
      });
      await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
      targets.push(server);
    }

    // The warm hour, written into the storage Prometheus will open.
    writeFileSync(join(dir, 'history.om'), history(instances));
    const backfill = await promtool(
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      join(dir, 'history.om'),
      join(dir, 'data'),
    );
    expect(backfill.code, backfill.output).toBe(0);

    // The real prometheus.yml: its global intervals and rule files as they are, two of its jobs at the loopback targets.
    const real = readYaml<PrometheusConfig>(PROMETHEUS_CONFIG);
    interval = real.global.scrape_interval ?? '';
    const config = {
      global: real.global,
      rule_files: real.rule_files.map((file) => resolve(ROOT, 'observability/prometheus', file)),
      scrape_configs: real.scrape_configs
        .filter((job) => job.job_name in instances)
        .map((job) => ({ ...job, static_configs: [{ targets: [instances[job.job_name as keyof typeof instances]] }] })),
    };
    expect(config.scrape_configs.map((job) => job.job_name).sort()).toEqual(['gateway', 'payment']);
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    prometheus = await startPrometheus('prometheus', dir, prometheusPort);
    api = new PrometheusApi(prometheus.url);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(targets.map((server) => new Promise((done) => server.close(done))));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'pages for payment about 3 minutes after payment-errors at its defaults (3¼ at most), for the gateway a scrape later at most, and not before its 2-minute `for`',
    async () => {
      expect(interval, 'the timing below is that of prometheus.yml’s 15 s intervals').toBe('15s');
      // The warm hour is there: an hour of 15-s samples of payment's successful requests.
      const samples = await api.query(`count_over_time(${METRIC}{job="payment",status_code="201"}[1h])`);
      expect(Number(samples[0]?.value[1] ?? 0)).toBeGreaterThanOrEqual(235);

      faultOnMs = Date.now();
      const pendingAfter: Record<string, number> = {};
      const firingAfter: Record<string, number> = {};
      const tickets: Alert[] = [];
      let hourRatioAtPage: number | undefined;
      while (
        Date.now() - faultOnMs < PAGE_WITHIN_MS + GATEWAY_SLACK_MS + 20_000 &&
        Object.keys(firingAfter).length < 2
      ) {
        const alerts = await activeAlerts(prometheus!.url);
        const elapsed = Date.now() - faultOnMs;
        for (const alert of alerts.filter((a) => a.labels.alertname === 'HighErrorRatio')) {
          const job = alert.labels.job!;
          if (alert.labels.severity !== 'critical') tickets.push(alert);
          else if (alert.state === 'pending') pendingAfter[job] ??= elapsed;
          else firingAfter[job] ??= elapsed;
        }
        // When the page fires: the 1-hour ratio (the long window of the SRE-workbook page) is still far under 7.2%.
        if (firingAfter.payment !== undefined && hourRatioAtPage === undefined) {
          hourRatioAtPage = Number(
            (await api.query('job:http_server_errors:ratio_rate1h{job="payment"}'))[0]?.value[1],
          );
        }
        await sleep(1000);
      }

      const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${Math.round(ms / 1000)} s`);
      const timings =
        `pending after ${seconds(pendingAfter.payment)} (payment), ${seconds(pendingAfter.gateway)} (gateway); ` +
        `firing after ${seconds(firingAfter.payment)} (payment), ${seconds(firingAfter.gateway)} (gateway)`;
      for (const [job, within] of [
        ['payment', PAGE_WITHIN_MS],
        ['gateway', PAGE_WITHIN_MS + GATEWAY_SLACK_MS],
      ] as const) {
        expect(firingAfter[job], `${job}: ${timings}`).toBeDefined();
        expect(firingAfter[job]!, `${job}: ${timings}`).toBeLessThanOrEqual(within);
        expect(firingAfter[job]!, `${job}: ${timings}`).toBeGreaterThanOrEqual(PAGE_FOR_MS);
      }
      expect(hourRatioAtPage, 'the 1-hour error ratio of payment when the page fired').toBeLessThan(0.072);
      expect(tickets, 'no budget ticket is even pending yet').toEqual([]);
      console.info(
        `HighErrorRatio on a warmed stack, payment-errors at probability ${PROBABILITY}, LOAD_RATE ${LOAD_RATE}: ${timings}; ` +
          `payment's 1-hour ratio then ${hourRatioAtPage?.toFixed(3)}`,
      );
    },
    PAGE_WITHIN_MS + GATEWAY_SLACK_MS + 60_000,
  );
});
