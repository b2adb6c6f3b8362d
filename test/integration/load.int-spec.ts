import { SCENARIOS, type Scenario } from '@app/faults';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from '../support/server.js';
import { toolBinary } from '../support/tools.js';
import { type RemoteSeries, type TimeSeries, remoteWriteSeries, writeSeries } from './support/k6-remote-write.js';
import { Stack, backingServices } from './support/stack.js';

/**
 * The k6 scripts in loadtest/, run for real through `npm run load` (scripts/load.mjs, the
 * Node engine in loadtest/runner: the same files k6 runs) against the four services as real
 * processes on real PostgreSQL and RabbitMQ. Short runs, set through the scripts' own LOAD_*
 * knobs: smoke with its strict thresholds, baseline, spike, soak and breakpoint, and every
 * catalogue scenario — each switching its fault on through the admin API (seen on while it
 * runs) and off again at teardown.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_TOKEN = 'load-test-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'workshop-load-'));
let stack: Stack;

interface Summary {
  metrics: Record<
    string,
    { type: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
  root_group: { checks: { name: string; passes: number; fails: number }[] };
  node_engine: {
    exitCode: number;
    iterationErrors: number;
    setupData: { scenario?: string; services?: string[] } | null;
    timeSeries: TimeSeries[];
  };
}

interface LoadRun {
  code: number | null;
  output: string;
  summary: Summary | undefined;
  /** For each polled service: was `fault` seen active at some point during the run? */
  seenOn: Record<string, boolean>;
}

const faultsOf = async (url: string): Promise<string[]> => {
  const res = await fetch(`${url}/admin/faults?reveal=true`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { active: { name: string }[] };
  return body.active.map((f) => f.name);
};

/** `npm run load -- <script> …` as a child process; polls the services' faults while it runs. */
async function load(
  script: string,
  env: Record<string, string>,
  watch: { fault?: string; services?: string[] } = {},
): Promise<LoadRun> {
  const file = join(dir, `${script.replace('/', '-')}.json`);
  const args = [
    'scripts/load.mjs',
    script,
    '--engine',
    'node',
    '--quiet',
    '--summary-export',
    file,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      GATEWAY_URL: stack.urls.gateway,
      ORDER_URL: stack.urls.order,
      PAYMENT_URL: stack.urls.payment,
      NOTIFICATION_URL: stack.urls.notification,
      ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const seenOn: Record<string, boolean> = Object.fromEntries((watch.services ?? []).map((s) => [s, false]));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && watch.fault) {
    for (const service of watch.services ?? []) {
      const active = await faultsOf(stack.urls[service as keyof typeof stack.urls]).catch((): string[] => []);
      if (active.includes(watch.fault)) seenOn[service] = true;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 150))]);
  }
  const code = await exited;
  const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Summary) : undefined;
  return { code, output, summary, seenOn };
}

/**
 * What the fault visibly did, for the scenarios whose effect is certain within seconds (the others
 * act by probability or over minutes: their evidence is the workshop's to find).
 */
const EVIDENCE: Record<string, (s: Summary) => void> = {
  'payment-latency': (s) =>
    expect(s.metrics['http_req_duration{endpoint:create_order}']!.values.med).toBeGreaterThanOrEqual(1400),
  // A Seq Scan over the 1,000,000 seeded rows: ~0.3 s on an idle 2-core machine (the baseline median is ~30 ms).
  'slow-query': (s) =>
    expect(s.metrics['http_req_duration{endpoint:create_order}']!.values.med).toBeGreaterThanOrEqual(150),
  'retry-storm': (s) => expect(s.metrics.create_order_5xx!.values.rate).toBe(1),
  'downstream-down': (s) => expect(s.metrics.create_order_5xx!.values.rate).toBe(1),
};

const count = (s: Summary, metric: string) => s.metrics[metric]?.values.count ?? 0;
const checksRate = (s: Summary) => s.metrics.checks?.values.rate ?? 0;

/** What every run must show: it ran, requests were made, every response was checked, no script error. */
function expectRan(run: LoadRun, minChecksRate: number) {
  expect(run.summary, run.output.slice(-3000)).toBeDefined();
  const s = run.summary!;
  expect(s.node_engine.iterationErrors, run.output.slice(-3000)).toBe(0);
  expect(count(s, 'iterations')).toBeGreaterThan(0);
  expect(count(s, 'http_reqs')).toBeGreaterThan(0);
  const checks = s.root_group.checks.reduce((n, c) => n + c.passes + c.fails, 0);
  expect(checks).toBeGreaterThanOrEqual(count(s, 'http_reqs'));
  expect(checksRate(s), JSON.stringify(s.root_group.checks.filter((c) => c.fails))).toBeGreaterThanOrEqual(
    minChecksRate,
  );
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/libs/faults/src/index.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  stack = new Stack({ basePort: 24700, backing: backingServices(), env: { ADMIN_TOKEN } });
  await stack.createDatabases();
  await stack.startAll();
});

afterAll(async () => {
  await stack?.stopAll();
  await stack?.dropDatabases();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run load (the Node engine) against the real services', () => {
  it('smoke: walks every endpoint and passes its strict thresholds', async () => {
    const run = await load('smoke', { LOAD_DURATION: '4s' });
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expectRan(run, 1);
    expect(run.summary!.metrics.create_order_5xx!.values.rate).toBe(0);
    for (const endpoint of [
      'create_order',
      'create_order_replay',
      'get_order',
      'list_orders',
      'list_orders_with_notifications',
      'get_notifications',
    ]) {
      expect(run.summary!.metrics[`http_req_duration{endpoint:${endpoint}}`]?.thresholds, endpoint).toBeDefined();
      expect(count(run.summary!, `http_reqs{endpoint:${endpoint}}`), endpoint).toBeGreaterThan(0);
    }
    const replays = run.summary!.root_group.checks.find((c) =>
      c.name.startsWith('create_order_replay: 201 with Idempotent-Replayed'),
    );
    expect(replays?.passes).toBeGreaterThan(0);
  });

  it('smoke fails (exit 99, like k6) when its thresholds are missed: a gateway that answers nothing', async () => {
    const run = await load('smoke', {
      LOAD_DURATION: '1s',
      GATEWAY_URL: `http://127.0.0.1:${stack.ports.gateway + 9}`,
    });
    expect(run.code).toBe(99);
    expect(run.summary!.metrics.http_req_failed!.thresholds!['rate<0.01']!.ok).toBe(false);
  });

  it.each([
    ['baseline', { LOAD_DURATION: '4s', LOAD_RATE: '3' }],
    ['soak', { LOAD_DURATION: '4s', LOAD_RATE: '3' }],
    ['spike', { LOAD_DURATION: '5s', LOAD_SCALE: '0.4' }],
    ['breakpoint', { LOAD_DURATION: '5s', LOAD_SCALE: '0.05' }],
  ])('%s: a short run passes its SLO thresholds', async (script, env) => {
    const run = await load(script, env);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expectRan(run, 0.98);
    expect(
      Object.values(run.summary!.metrics)
        .flatMap((m) => Object.values(m.thresholds ?? {}))
        .every((t) => t.ok),
    ).toBe(true);
  });
});

describe.each((SCENARIOS as readonly Scenario[]).map((s) => [s.name, s] as const))(
  'npm run load -- scenarios/%s',
  (name, entry) => {
    it('switches the fault on in its services for the run, drives load, and off again at teardown', async () => {
      const run = await load(
        `scenarios/${entry.load}`,
        { LOAD_DURATION: '4s', LOAD_SCALE: '0.5' },
        { fault: name, services: entry.services },
      );
      expect(run.code, run.output.slice(-3000)).toBe(0);
      expectRan(run, 0.9);
      expect(run.summary!.node_engine.setupData).toMatchObject({ scenario: name, services: entry.services });
      for (const service of entry.services) {
        expect(run.seenOn[service], `${name} on in ${service} during the run`).toBe(true);
        expect(await faultsOf(stack.urls[service]), `${name} off in ${service} after teardown`).not.toContain(name);
      }
      EVIDENCE[name]?.(run.summary!);
    });
  },
);

/**
 * What the background load (compose's `load`: baseline, for hours) writes to Prometheus through
 * k6's remote-write output, which keeps every series it has seen. The Node engine records every
 * (metric, tags) series of a run as k6 forms them (name and url tags, status, method, …), and
 * ./support/k6-remote-write.ts maps them to labels as k6 v1.7.1's output does (trends as native
 * histograms, as compose and the Helm chart configure it).
 */
describe('the load scripts write a bounded set of series, whatever the number of orders', () => {
  const TEMPLATES = ['POST /api/orders', 'GET /api/orders/{id}', 'GET /api/orders', 'GET /api/notifications'];
  /** The admin API's fault resources: the collection, or one catalogue fault by name (a bounded set too). */
  const ADMIN = /^(GET|PUT|PATCH|DELETE) \/admin\/faults(\/[a-z-]+)?$/;
  const seriesKey = (labels: Record<string, string>) =>
    JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const labelSets = (s: Summary, testid?: string): Record<string, string>[] =>
    remoteWriteSeries(s.node_engine.timeSeries).map((x) => (testid ? { ...x.labels, testid } : x.labels));
  const keys = (s: Summary) => new Set(labelSets(s).map(seriesKey));
  const orders = (s: Summary) => s.root_group.checks.find((c) => c.name === 'create_order: 201 Created')!.passes;

  /** No label value is an id, a URL or a query string: only templates and small vocabularies. */
  function expectBoundedValues(s: Summary) {
    const checkNames = new Set(s.root_group.checks.map((c) => c.name));
    for (const labels of labelSets(s)) {
      for (const [key, value] of Object.entries(labels)) {
        if (key === 'name' || key === 'url')
          expect(TEMPLATES.includes(value) || ADMIN.test(value), `${key}=${value}`).toBe(true);
        else if (key === 'check') expect(checkNames.has(value), value).toBe(true);
        else expect(value, `${key}=${value}`).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|:\/\/|\?|\bc-\d+/);
      }
    }
  }

  it('smoke (every endpoint each walk): the same series after N walks and after 3N, none with an id', async () => {
    const short = await load('smoke', { LOAD_DURATION: '4s' });
    const long = await load('smoke', { LOAD_DURATION: '12s' });
    expect(short.code, short.output.slice(-3000)).toBe(0);
    expect(long.code, long.output.slice(-3000)).toBe(0);
    expect(orders(long.summary!)).toBeGreaterThanOrEqual(2.5 * orders(short.summary!));
    expectBoundedValues(long.summary!);
    expect([...keys(long.summary!)].sort()).toEqual([...keys(short.summary!)].sort());
  });

  it('baseline (random shoppers): 3N orders add no series of ids; every name is an endpoint template', async () => {
    const short = await load('baseline', { LOAD_DURATION: '4s', LOAD_RATE: '5' });
    const long = await load('baseline', { LOAD_DURATION: '12s', LOAD_RATE: '5' });
    expect(long.code, long.output.slice(-3000)).toBe(0);
    const [n, n3] = [orders(short.summary!), orders(long.summary!)];
    expect(n3).toBeGreaterThanOrEqual(2.5 * n);
    expectBoundedValues(short.summary!);
    expectBoundedValues(long.summary!);
    // Random shoppers may meet a rare combination (a replay, a history with notifications) only in
    // the longer run; series of ids would add several for every order (each read-back, history
    // and notification lookup a new URL, times three HTTP metrics).
    const added = [...keys(long.summary!)].filter((k) => !keys(short.summary!).has(k));
    expect(added.length, added.join('\n')).toBeLessThan(n3 - n);
    for (const e of ['create_order', 'get_order', 'list_orders', 'get_notifications']) {
      const names = new Set(
        long
          .summary!.node_engine.timeSeries.filter((t) => t.metric.startsWith('http_') && t.tags.endpoint === e)
          .map((t) => t.tags.name),
      );
      expect(names.size, `${e}: ${[...names].join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('a real Prometheus takes them as k6 writes them (native histograms), two testids side by side', async () => {
    const run = await load('baseline', { LOAD_DURATION: '3s', LOAD_RATE: '3' });
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const port = 24800 + (process.pid % 50);
    const data = mkdtempSync(join(tmpdir(), 'workshop-load-prom-'));
    const prometheus = await Server.start(
      'prometheus-load',
      toolBinary('prometheus'),
      [
        '--config.file=/dev/null',
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
      ],
      port,
    );
    try {
      const write = (series: RemoteSeries[], timestampMs: number) =>
        writeSeries(`${prometheus.url}/api/v1/write`, series, { timestampMs });
      const series = remoteWriteSeries(run.summary!.node_engine.timeSeries);
      expect(series.every((s) => s.labels.testid === 'baseline')).toBe(true);
      const as = (testid: string) => series.map((s) => ({ ...s, labels: { ...s.labels, testid } }));
      const now = Date.now();
      // compose's load and k6 services at once: distinct testids, so neither overwrites the other.
      await write(as('background'), now - 1000);
      await write(as('on-demand'), now - 2000);
      const query = async (expr: string) => {
        const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        return ((await res.json()) as { data: { result: { value: [number, string] }[] } }).data.result;
      };
      expect(Number((await query('count({__name__=~"k6_.+"})'))[0]!.value[1])).toBe(2 * series.length);
      expect(
        await query('histogram_count(k6_http_req_duration_seconds{testid="background",name="POST /api/orders"})'),
      ).not.toHaveLength(0);
      // Without a testid, a second writer's older samples of the same series are refused, and the
      // whole request with them: a series of its own in that request is not stored either.
      const probe = { labels: { __name__: 'k6_probe_total', testid: 'third' }, histogram: false };
      await expect(write([probe, ...as('background')], now - 3000)).rejects.toThrow(/HTTP 400 out of order sample/);
      expect(await query('k6_probe_total')).toHaveLength(0);
    } finally {
      await prometheus.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });
});
