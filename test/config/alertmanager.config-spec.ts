import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../apps/notification/src/app.module.js';
import { type BootedApp, boot, env, freePorts, testDatabase } from '../support/boot.js';
import { type Mail, Mailpit, SlackWebhook, localAlertmanagerConfig } from '../support/alertmanager.js';
import type { Server } from '../support/server.js';
import { startAlertmanager } from '../support/tool-servers.js';
import { runTool } from '../support/tools.js';
import { alertRules, filesIn, staticLabels } from './support/prometheus-rules.js';

// Runs amtool and Alertmanager at compose's version (tools/go.mod; `node scripts/ci/tools.mjs`).
const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, 'observability/alertmanager/alertmanager.yml');
const WEBHOOK_URL = 'http://notification:3003/alerts';
const TOKEN_FILE = '/etc/alertmanager/webhook-token';
const SLACK_URL_FILE = '/etc/alertmanager/slack-webhook-url';
const EMAIL = {
  headers: { Subject: '{{ template "workshop.email.subject" . }}' },
  html: '{{ template "workshop.email.html" . }}',
  text: '{{ template "workshop.email.text" . }}',
  send_resolved: true,
};

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

const config = parse(readFileSync(CONFIG, 'utf8'));
const labels = (alertname: string, severity: string, service = 'payment') => ({ alertname, severity, service });

describe('observability/alertmanager/alertmanager.yml', () => {
  it('passes amtool check-config', async () => {
    const { code, output } = await amtool('check-config', CONFIG);
    expect(output).toContain('SUCCESS');
    expect(output).toMatch(/- 2 inhibit rules/);
    expect(output).toMatch(/- 4 receivers/);
    // amtool parses the templates too: a broken one reads "FAILED: template: …" here.
    expect(output).toMatch(/- 1 templates\n\s+SUCCESS/);
    expect(code).toBe(0);
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

  it('delivers every receiver to the notification webhook, with resolved alerts and the bearer token file', () => {
    expect(config.receivers.map((r: { name: string }) => r.name).sort()).toEqual([
      'critical-pager',
      'info-digest',
      'notification-webhook',
      'warning-team',
    ]);
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

  it('emails critical alerts to on-call and warnings to the team, resolutions too, with the workshop templates', () => {
    const receiver = (name: string) => config.receivers.find((r: { name: string }) => r.name === name);
    expect(receiver('critical-pager').email_configs).toEqual([{ to: 'oncall@workshop.local', ...EMAIL }]);
    expect(receiver('warning-team').email_configs).toEqual([{ to: 'team@workshop.local', ...EMAIL }]);
    expect(receiver('info-digest').email_configs).toBeUndefined();
    expect(receiver('notification-webhook').email_configs).toBeUndefined();
  });

  it('posts critical alerts only to Slack, its webhook URL read from a file compose mounts', () => {
    const withSlack = config.receivers.filter((r: { slack_configs?: unknown }) => r.slack_configs);
    expect(withSlack.map((r: { name: string }) => r.name)).toEqual(['critical-pager']);
    expect(withSlack[0].slack_configs).toEqual([
      {
        api_url_file: SLACK_URL_FILE,
        channel: '#alerts-critical',
        send_resolved: true,
        title: '{{ template "workshop.slack.title" . }}',
        text: '{{ template "workshop.slack.text" . }}',
      },
    ]);
  });

  it('ships a placeholder Slack URL that is Slack’s documentation example, no one’s real webhook', () => {
    const placeholder = join(ROOT, 'observability/alertmanager/slack-webhook-url.example');
    expect(existsSync(placeholder)).toBe(true);
    expect(readFileSync(placeholder, 'utf8')).toBe('http://localhost:9/slack-webhook-not-configured\n');
  });

  it('keeps your own Slack URL file, the one the README has you mount, out of git', () => {
    // `git check-ignore` exits 0 when the path is ignored, 1 when it is not.
    expect(() =>
      execFileSync('git', ['check-ignore', '-q', 'observability/alertmanager/slack-webhook-url'], { cwd: ROOT }),
    ).not.toThrow();
    expect(() =>
      execFileSync('git', ['check-ignore', '-q', 'observability/alertmanager/slack-webhook-url.example'], {
        cwd: ROOT,
      }),
    ).toThrow();
  });
});

/**
 * Inhibition as Alertmanager applies it: this config (hosts and files made local, notifications
 * held back by a long group_wait) on a real Alertmanager, sources and targets posted as Prometheus
 * posts them, and each target's state read back from its API (`status.inhibitedBy`).
 */
describe('inhibition (alertmanager.yml inhibit_rules on a real Alertmanager)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'workshop-inhibition-'));
  let alertmanager: Server | undefined;
  const tickets = alertRules(filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml'))
    .filter((r) => r.alert === 'HighErrorRatio')
    .map((r): Record<string, string> => ({ alertname: r.alert, ...staticLabels(r) }));
  const page = tickets.find((r) => r.severity === 'critical')!;
  const windows = tickets.filter((r) => r.severity === 'warning');
  /** Firing causes: payment is down, gateway only warns that it might be, order's error budget pages. */
  const SOURCES = [
    labels('ServiceDown', 'critical', 'payment'),
    labels('ServiceDown', 'warning', 'gateway'),
    { ...page, service: 'order' },
  ];
  /** Targets, and whether the sources above mute each. */
  const TARGETS: [Record<string, string>, boolean][] = [
    ...['HighP95Latency', 'HighErrorRatio', 'HighErrorRatioBurn', 'EventLoopLag'].flatMap(
      (name): [Record<string, string>, boolean][] => [
        [labels(name, 'warning', 'payment'), true],
        [labels(name, 'critical', 'payment'), true],
      ],
    ),
    [{ ...page, service: 'payment' }, true],
    [labels('HighP99Latency', 'warning', 'payment'), false],
    [labels('DbPoolSaturation', 'warning', 'payment'), false],
    [labels('HighP95Latency', 'warning', 'gateway'), false],
    [labels('HighP95Latency', 'warning', 'order'), false],
    ...windows.map((w): [Record<string, string>, boolean] => [{ ...w, service: 'order' }, true]),
    ...windows.map((w): [Record<string, string>, boolean] => [{ ...w, service: 'notification' }, false]),
    [labels('HighErrorRatio', 'info', 'order'), false],
  ];
  const id = (l: Record<string, string>) =>
    Object.entries(l)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  type ApiAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };

  beforeAll(async () => {
    writeFileSync(join(dir, 'token'), 'inhibition-test-token\n');
    writeFileSync(join(dir, 'slack-url'), 'http://127.0.0.1:9/slack\n');
    const local = localAlertmanagerConfig({
      webhookUrl: 'http://127.0.0.1:9/alerts',
      tokenFile: join(dir, 'token'),
      smtp: '127.0.0.1:9',
      slackUrlFile: join(dir, 'slack-url'),
      groupTiming: '1h',
    });
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(local));
    const [port] = await freePorts(1);
    alertmanager = await startAlertmanager('alertmanager-inhibition', dir, port!, {
      flags: ['--log.level=warn'],
      logDir: dir,
    });
    const post = (alerts: Record<string, string>[]) =>
      fetch(`${alertmanager!.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts.map((l) => ({ labels: l, startsAt: new Date().toISOString() }))),
      });
    expect((await post(SOURCES)).status).toBe(200);
    expect((await post(TARGETS.map(([l]) => l))).status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await alertmanager?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows the page and both budget windows of HighErrorRatio from alerts.yml', () => {
    expect(page).toBeDefined();
    expect(windows.map((t) => t.window).sort()).toEqual(['1h', '6h']);
  });

  it('mutes the symptoms of a service that is down, the warning a page repeats, and nothing else', async () => {
    const muted = async () => {
      const alerts = (await (await fetch(`${alertmanager!.url}/api/v2/alerts`)).json()) as ApiAlert[];
      const state = new Map(alerts.map((a) => [id(a.labels), a.status.inhibitedBy.length > 0]));
      return TARGETS.map(([l]) => `${id(l)}: ${state.get(id(l)) ? 'muted' : 'delivered'}`);
    };
    const expected = TARGETS.map(([l, mute]) => `${id(l)}: ${mute ? 'muted' : 'delivered'}`);
    await expect.poll(muted, { timeout: 10_000, interval: 250 }).toEqual(expected);
  });

  it('never mutes the causes themselves', async () => {
    const alerts = (await (await fetch(`${alertmanager!.url}/api/v2/alerts`)).json()) as ApiAlert[];
    const sources = alerts.filter((a) => SOURCES.some((s) => id(s) === id(a.labels)));
    expect(sources.map((a) => [id(a.labels), a.status.state])).toEqual(
      expect.arrayContaining(SOURCES.map((s) => [id(s), 'active'])),
    );
    expect(sources).toHaveLength(SOURCES.length);
  });
});

/**
 * The real thing: Alertmanager (loopback, no cluster, temporary storage) runs this config with
 * only the hosts, the files and the timings changed, and delivers to the notification service
 * booted in this process, to a real Mailpit, and to a local server standing where Slack's
 * incoming webhook would be.
 */
describe('Alertmanager with this config, delivering to the notification service, Mailpit and Slack', () => {
  const token = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'workshop-alertmanager-'));
  let notification: BootedApp;
  let mailpit: Mailpit | undefined;
  let slack: SlackWebhook | undefined;
  let alertmanager: Server | undefined;
  const amLog = () => alertmanager?.log(100_000) ?? '';
  const startsAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  /** How the templates print startsAt: 2026-12-03 08:40:00 UTC. */
  const since = `${startsAt.slice(0, 10)} ${startsAt.slice(11, 19)} UTC`;

  type StoredAlert = { alertname: string; service: string; status: string };
  const stored = async () =>
    ((await (await fetch(`${notification.url}/alerts?limit=100`)).json()) as { data: StoredAlert[] }).data;
  const has = (rows: StoredAlert[], alertname: string, service: string, status = 'firing') =>
    rows.some((a) => a.alertname === alertname && a.service === service && a.status === status);
  const postAlerts = async (alerts: object[]) => {
    const res = await fetch(`${alertmanager!.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status, await res.text()).toBe(200);
  };
  const runbook = (alertname: string) => `http://localhost:3300/${alertname}.md`;
  const alert = (alertname: string, severity: string, service: string, endsAt?: string) => ({
    labels: labels(alertname, severity, service),
    annotations: {
      summary: `${service} trips ${alertname}`,
      description: `What ${alertname} means for ${service}, with its value.`,
      runbook_url: runbook(alertname),
      dashboard: 'http://localhost:3100/d/service-overview',
    },
    startsAt,
    ...(endsAt ? { endsAt } : {}),
    generatorURL: 'http://prometheus:9090/graph',
  });
  /** The emails to `to` about one alert group, once `count` of them have arrived. */
  const mails = async (to: string, subject: RegExp, count = 1): Promise<Mail[]> => {
    let found: Mail[] = [];
    await expect
      .poll(async () => (found = await mailpit!.find(to, subject)).length, {
        timeout: 15_000,
        interval: 250,
        message: `${to} ${subject}\n${amLog()}`,
      })
      .toBeGreaterThanOrEqual(count);
    return found;
  };

  beforeAll(async () => {
    notification = await boot(
      AppModule.forRoot(env({ DATABASE_URL: await testDatabase('notification'), ALERT_WEBHOOK_TOKEN: token })),
    );
    const [smtpPort, httpPort, port] = await freePorts(3);
    mailpit = await Mailpit.start({ smtpPort, httpPort, logDir: dir });
    slack = await SlackWebhook.start();

    // Trailing newlines, as `echo "$X" > file` writes them: Alertmanager trims them.
    writeFileSync(join(dir, 'webhook-token'), `${token}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'slack-webhook-url'), `${slack.url}\n`, { mode: 0o600 });
    const local = localAlertmanagerConfig({
      webhookUrl: `${notification.url}/alerts`,
      tokenFile: join(dir, 'webhook-token'),
      smtp: mailpit.smtp,
      slackUrlFile: join(dir, 'slack-webhook-url'),
      groupTiming: '1s',
    });
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(local));

    alertmanager = await startAlertmanager('alertmanager', dir, port, { flags: ['--log.level=warn'], logDir: dir });
  }, 30_000);

  afterAll(async () => {
    await alertmanager?.stop();
    await mailpit?.stop();
    await slack?.stop();
    await notification?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  it('delivers firing alerts with the bearer token from the file, and applies the ServiceDown inhibition', async () => {
    await postAlerts([alert('ServiceDown', 'critical', 'payment')]);
    await expect
      .poll(async () => has(await stored(), 'ServiceDown', 'payment'), { timeout: 15_000, interval: 250 })
      .toBe(true);
    // The symptoms come after the cause, as when Prometheus fires them. Posted together, a symptom whose
    // group flushes at once (startsAt older than group_wait) can race the inhibitor learning of the cause.
    await postAlerts([alert('HighP95Latency', 'warning', 'payment'), alert('HighP95Latency', 'warning', 'order')]);
    await expect
      .poll(async () => has(await stored(), 'HighP95Latency', 'order'), { timeout: 15_000, interval: 250 })
      .toBe(true);
    // Give the inhibited group a few more flushes to (wrongly) arrive.
    await sleep(3_000);
    expect(has(await stored(), 'HighP95Latency', 'payment'), amLog()).toBe(false);
  }, 30_000);

  it('emails the page to on-call: what fired, on which service, since when, and where to look', async () => {
    const [mail] = await mails('oncall@workshop.local', /ServiceDown/);
    expect(mail!.Subject).toBe('[FIRING:1] ServiceDown on payment: payment trips ServiceDown');
    expect(mail!.From.Address).toBe('alertmanager@workshop.local');
    for (const line of [
      'FIRING: ServiceDown on payment (critical)',
      `Since:       ${since}`,
      'Summary:     payment trips ServiceDown',
      'Description: What ServiceDown means for payment, with its value.',
      `Runbook:     ${runbook('ServiceDown')}`,
      'Dashboard:   http://localhost:3100/d/service-overview',
      'Traces:      http://localhost:16686/search?service=payment',
    ]) {
      expect(mail!.Text).toContain(line);
    }
    for (const href of [
      runbook('ServiceDown'),
      'http://localhost:3100/d/service-overview',
      'http://localhost:16686/search?service=payment',
    ]) {
      expect(mail!.HTML).toContain(`href="${href}"`);
    }
  }, 30_000);

  it('emails the warning to the team, and neither the muted warning nor any info alert to anyone', async () => {
    const [mail] = await mails('team@workshop.local', /HighP95Latency on order/);
    expect(mail!.Subject).toBe('[FIRING:1] HighP95Latency on order: order trips HighP95Latency');
    expect(mail!.Text).toContain('Traces:      http://localhost:16686/search?service=order');
    expect(await mailpit!.find('oncall@workshop.local', /HighP95Latency/)).toEqual([]);
    expect(await mailpit!.find('team@workshop.local', /HighP95Latency on payment/)).toEqual([]);
  }, 30_000);

  it('posts the page to Slack: the channel, a title naming alert and service, the summary and the runbook link', async () => {
    await expect
      .poll(() => slack!.received.length, { timeout: 15_000, interval: 250, message: amLog() })
      .toBeGreaterThan(0);
    expect(slack!.received).toHaveLength(1); // the warnings are not posted
    const [message] = slack!.received;
    expect(message!.channel).toBe('#alerts-critical');
    expect(message!.attachments).toHaveLength(1);
    const [attachment] = message!.attachments;
    expect(attachment!.title).toBe('[FIRING:1] ServiceDown on payment');
    expect(attachment!.text).toContain('*payment trips ServiceDown*');
    expect(attachment!.text).toContain(`<${runbook('ServiceDown')}|Runbook>`);
    expect(attachment!.text).toContain('<http://localhost:3100/d/service-overview|Dashboard>');
    expect(attachment!.text).toContain('<http://localhost:16686/search?service=payment|Traces>');
  }, 30_000);

  it('delivers the resolution everywhere, after which the muted alert of that service comes through', async () => {
    await postAlerts([alert('ServiceDown', 'critical', 'payment', new Date().toISOString())]);
    await expect
      .poll(
        async () => {
          const rows = await stored();
          return has(rows, 'ServiceDown', 'payment', 'resolved') && has(rows, 'HighP95Latency', 'payment');
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(true);
    const [resolved] = await mails('oncall@workshop.local', /^\[RESOLVED\] ServiceDown on payment/);
    expect(resolved!.Text).toContain('RESOLVED: ServiceDown on payment (critical)');
    expect(resolved!.Text).toMatch(/^Resolved: {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    await mails('team@workshop.local', /HighP95Latency on payment/);
    await expect
      .poll(() => slack!.received.map((m) => m.attachments[0]!.title), { timeout: 15_000, interval: 250 })
      .toContain('[RESOLVED] ServiceDown on payment');
    // Every integration delivered on its first try: no failed or retried notification was logged.
    expect(amLog()).not.toMatch(/level=(WARN|ERROR)/);
  }, 45_000);
});
