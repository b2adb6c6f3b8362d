import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../apps/notification/src/app.module.js';
import { type BootedApp, boot, env, freePort, sqlitePath } from '../support/boot.js';
import { runTool, toolBinary } from '../support/tools.js';

// Runs amtool and Alertmanager at compose's version (tools/go.mod; `node scripts/ci/tools.mjs`).
const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, 'observability/alertmanager/alertmanager.yml');
const WEBHOOK_URL = 'http://notification:3003/alerts';
const TOKEN_FILE = '/etc/alertmanager/webhook-token';

const amtool = (...args: string[]) => runTool('amtool', args, { cwd: ROOT, timeoutMs: 20_000 });

const routesTest = (receiver: string, labels: Record<string, string>) =>
  amtool(
    'config',
    'routes',
    'test',
    `--config.file=${CONFIG}`,
    `--verify.receivers=${receiver}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  );

interface Matcher {
  name: string;
  op: string;
  value: string;
}

/** `name="value"` / `name=~"regex"` as Alertmanager writes matchers (quoted values only, as in our file). */
function matcher(text: string): Matcher {
  const m = /^(\w+)\s*(=~|!~|!=|=)\s*"(.*)"$/.exec(text);
  if (!m) throw new Error(`unexpected matcher ${text}`);
  return { name: m[1]!, op: m[2]!, value: m[3]! };
}

/** Does the matcher select an alert with these labels? Alertmanager anchors regexes. */
function matches(m: Matcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? '';
  const equal = m.op.includes('~') ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
  return m.op.startsWith('!') ? !equal : equal;
}

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

/** Whether `source` inhibits `target` under one rule (the label-matching part; Alertmanager also needs `source` to be firing). */
function inhibits(rule: InhibitRule, source: Record<string, string>, target: Record<string, string>): boolean {
  return (
    rule.source_matchers.map(matcher).every((m) => matches(m, source)) &&
    rule.target_matchers.map(matcher).every((m) => matches(m, target)) &&
    rule.equal.every((l) => source[l] === target[l])
  );
}

/** The file with its `##` templates uncommented: each `## …` line opens a block of `# ` lines. */
function withTemplatesUncommented(text: string): string {
  let inTemplate = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*## /.test(line)) {
        inTemplate = true;
        return line;
      }
      const commented = /^(\s*)# ?(.*)$/.exec(line);
      if (inTemplate && commented) return `${commented[1]}${commented[2]}`;
      inTemplate = false;
      return line;
    })
    .join('\n');
}

const config = parse(readFileSync(CONFIG, 'utf8'));
const labels = (alertname: string, severity: string, service = 'payment') => ({ alertname, severity, service });

describe('observability/alertmanager/alertmanager.yml', () => {
  it('passes amtool check-config', async () => {
    const { code, output } = await amtool('check-config', CONFIG);
    expect(output).toContain('SUCCESS');
    expect(output).toMatch(/- 2 inhibit rules/);
    expect(output).toMatch(/- 4 receivers/);
    expect(code).toBe(0);
  });

  it('keeps its commented Slack and email templates valid once uncommented', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workshop-amconfig-'));
    try {
      const file = join(dir, 'alertmanager.yml');
      const text = withTemplatesUncommented(readFileSync(CONFIG, 'utf8'));
      expect(text).toMatch(/^ {4}slack_configs:/m);
      expect(text).toMatch(/^ {4}email_configs:/m);
      expect(text).toMatch(/^ {2}smtp_smarthost:/m);
      writeFileSync(file, text);
      const { code, output } = await amtool('check-config', file);
      expect(output).toContain('SUCCESS');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('routing (amtool config routes test)', () => {
    it.each([
      ['critical', 'critical-pager', labels('ServiceDown', 'critical')],
      ['warning', 'warning-team', labels('HighErrorRatio', 'warning', 'order')],
      ['info', 'info-digest', labels('DiskAlmostFull', 'info', 'notification')],
      ['no', 'notification-webhook', { alertname: 'Watchdog' }],
      ['an unknown', 'notification-webhook', labels('HighP95Latency', 'page')],
    ])('routes an alert with %s severity to %s', async (_severity, receiver, alert) => {
      const { code, output } = await routesTest(receiver, alert);
      expect(output).toContain(receiver);
      expect(code).toBe(0);
    });

    it('fails when the alert reaches another receiver than expected (the check really checks)', async () => {
      const { code, output } = await routesTest('warning-team', labels('ServiceDown', 'critical'));
      expect(output).toMatch(/WARNING: Expected receivers did not match resolved receivers/);
      expect(code).not.toBe(0);
    });
  });

  it('groups by alertname and service, with workshop-short timings', () => {
    expect(config.route.group_by).toEqual(['alertname', 'service']);
    // One receiver per alert: each alert reaches the webhook once per notification.
    for (const route of config.route.routes) expect(route.continue ?? false, route.receiver).toBe(false);
    expect(config.route.repeat_interval).toBe('2h');
    expect(config.route.routes.find((r: { receiver: string }) => r.receiver === 'critical-pager').group_wait).toBe('5s');
  });

  it('delivers every receiver to the notification webhook, with resolved alerts and the bearer token file', () => {
    expect(config.receivers.map((r: { name: string }) => r.name).sort()).toEqual(['critical-pager', 'info-digest', 'notification-webhook', 'warning-team']);
    for (const receiver of config.receivers) {
      expect(receiver.webhook_configs, receiver.name).toEqual([
        {
          url: WEBHOOK_URL,
          send_resolved: true,
          max_alerts: 30,
          http_config: { authorization: { type: 'Bearer', credentials_file: TOKEN_FILE } },
        },
      ]);
    }
  });

  describe('inhibition', () => {
    const [serviceDown, criticalOverWarning] = config.inhibit_rules as InhibitRule[];

    it('ServiceDown mutes the latency, error-ratio and event-loop alerts of the same service', () => {
      expect(serviceDown).toEqual({
        source_matchers: ['alertname="ServiceDown"', 'severity="critical"'],
        target_matchers: ['alertname=~"HighP95Latency|HighErrorRatio.*|EventLoopLag"'],
        equal: ['service'],
      });
      const down = labels('ServiceDown', 'critical');
      for (const name of ['HighP95Latency', 'HighErrorRatio', 'HighErrorRatioBurn', 'EventLoopLag']) {
        expect(inhibits(serviceDown!, down, labels(name, 'warning')), name).toBe(true);
        expect(inhibits(serviceDown!, down, labels(name, 'critical')), name).toBe(true);
      }
    });

    it('ServiceDown leaves other services and other alerts alone', () => {
      const down = labels('ServiceDown', 'critical');
      expect(inhibits(serviceDown!, down, labels('HighP95Latency', 'warning', 'order'))).toBe(false);
      expect(inhibits(serviceDown!, down, labels('HighP99Latency', 'warning'))).toBe(false);
      expect(inhibits(serviceDown!, down, labels('DbPoolSaturation', 'warning'))).toBe(false);
      expect(inhibits(serviceDown!, labels('ServiceDown', 'warning'), labels('HighP95Latency', 'warning'))).toBe(false);
    });

    it('a critical alert mutes the warning of the same alertname and service only', () => {
      expect(criticalOverWarning).toEqual({
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'service'],
      });
      // HighErrorRatio fires at two thresholds, as critical and as warning.
      const critical = labels('HighErrorRatio', 'critical');
      expect(inhibits(criticalOverWarning!, critical, labels('HighErrorRatio', 'warning'))).toBe(true);
      expect(inhibits(criticalOverWarning!, critical, labels('HighErrorRatio', 'warning', 'order'))).toBe(false);
      expect(inhibits(criticalOverWarning!, critical, labels('HighP95Latency', 'warning'))).toBe(false);
      expect(inhibits(criticalOverWarning!, critical, labels('HighErrorRatio', 'info'))).toBe(false);
    });
  });
});

/**
 * The real thing: Alertmanager (loopback, no cluster, temporary storage) runs this
 * config with only the webhook URL, the token file and the timings changed, and
 * delivers to the notification service booted in this process.
 */
describe('Alertmanager with this config, delivering to the notification service', () => {
  const token = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'workshop-alertmanager-'));
  let notification: BootedApp;
  let alertmanager: ChildProcess | undefined;
  let amUrl = '';
  let amLog = '';
  const startsAt = new Date().toISOString();

  type StoredAlert = { alertname: string; service: string; status: string };
  const stored = async () => ((await (await fetch(`${notification.url}/alerts?limit=100`)).json()) as { data: StoredAlert[] }).data;
  const has = (rows: StoredAlert[], alertname: string, service: string, status = 'firing') =>
    rows.some((a) => a.alertname === alertname && a.service === service && a.status === status);
  const postAlerts = async (alerts: object[]) => {
    const res = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(res.status, await res.text()).toBe(200);
  };
  const alert = (alertname: string, severity: string, service: string, endsAt?: string) => ({
    labels: labels(alertname, severity, service),
    annotations: { summary: `${alertname} on ${service}` },
    startsAt,
    ...(endsAt ? { endsAt } : {}),
    generatorURL: 'http://prometheus:9090/graph',
  });

  beforeAll(async () => {
    const bin = toolBinary('alertmanager');
    notification = await boot(AppModule.forRoot(env({ SQLITE_PATH: sqlitePath('notification'), ALERT_WEBHOOK_TOKEN: token })));

    // A trailing newline, as `echo "$TOKEN" > file` writes it: Alertmanager trims it.
    writeFileSync(join(dir, 'webhook-token'), `${token}\n`, { mode: 0o600 });
    const local = parse(readFileSync(CONFIG, 'utf8'));
    for (const receiver of local.receivers) {
      for (const webhook of receiver.webhook_configs) {
        webhook.url = `${notification.url}/alerts`;
        webhook.http_config.authorization.credentials_file = join(dir, 'webhook-token');
      }
    }
    for (const route of [local.route, ...local.route.routes]) Object.assign(route, { group_wait: '1s', group_interval: '1s' });
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(local));

    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      bin,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=', // no gossip port: a single instance
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout?.on('data', (d) => (amLog += d));
    alertmanager.stderr?.on('data', (d) => (amLog += d));
    for (const deadline = Date.now() + 15_000; ; await sleep(100)) {
      if (alertmanager.exitCode !== null) throw new Error(`alertmanager exited with ${alertmanager.exitCode}:\n${amLog}`);
      if (Date.now() > deadline) throw new Error(`alertmanager was not ready within 15 s:\n${amLog}`);
      if (await fetch(`${amUrl}/-/ready`).then((r) => r.ok, () => false)) break;
    }
  }, 30_000);

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((r) => alertmanager!.once('exit', r));
      alertmanager.kill('SIGTERM');
      if ((await Promise.race([exited, sleep(5_000).then(() => 'timeout')])) === 'timeout') alertmanager.kill('SIGKILL');
    }
    await notification?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  it('delivers firing alerts with the bearer token from the file, and applies the ServiceDown inhibition', async () => {
    await postAlerts([
      alert('ServiceDown', 'critical', 'payment'),
      alert('HighP95Latency', 'warning', 'payment'),
      alert('HighP95Latency', 'warning', 'order'),
    ]);
    await expect
      .poll(async () => {
        const rows = await stored();
        return has(rows, 'ServiceDown', 'payment') && has(rows, 'HighP95Latency', 'order');
      }, { timeout: 15_000, interval: 250 })
      .toBe(true);
    // Give the inhibited group a few more flushes to (wrongly) arrive.
    await sleep(3_000);
    expect(has(await stored(), 'HighP95Latency', 'payment'), amLog).toBe(false);
  }, 30_000);

  it('delivers the resolution, after which the muted alert of that service comes through', async () => {
    await postAlerts([alert('ServiceDown', 'critical', 'payment', new Date().toISOString())]);
    await expect
      .poll(async () => {
        const rows = await stored();
        return has(rows, 'ServiceDown', 'payment', 'resolved') && has(rows, 'HighP95Latency', 'payment');
      }, { timeout: 15_000, interval: 250 })
      .toBe(true);
  }, 30_000);
});
