import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server as HttpServer, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { Server } from './server.js';
import { toolBinary } from './tools.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const ALERTMANAGER_CONFIG = join(ROOT, 'observability/alertmanager/alertmanager.yml');

export interface LocalAlertmanagerOptions {
  /** Replaces every webhook URL (compose: http://notification:3003/alerts). */
  webhookUrl: string;
  /** Replaces every webhook's bearer-token file. */
  tokenFile: string;
  /** host:port replacing global.smtp_smarthost (compose: mailpit:1025). */
  smtp: string;
  /** Replaces every Slack api_url_file (compose: /etc/alertmanager/slack-webhook-url). */
  slackUrlFile: string;
  /** group_wait and group_interval of every route. */
  groupTiming: string;
}

interface WebhookConfig {
  url: string;
  http_config: { authorization: { credentials_file: string } };
}

export interface AlertmanagerConfig {
  global: Record<string, unknown> & { smtp_smarthost?: string };
  templates?: string[];
  route: Record<string, unknown> & { routes?: Record<string, unknown>[] };
  receivers: {
    name: string;
    webhook_configs?: WebhookConfig[];
    email_configs?: Record<string, unknown>[];
    slack_configs?: (Record<string, unknown> & { api_url_file?: string })[];
  }[];
  [key: string]: unknown;
}

/**
 * The real alertmanager.yml for a run on this machine: only the hosts (webhook, SMTP), the files
 * (token, Slack URL, templates made absolute, as Alertmanager resolves them from the real file)
 * and the group timings change.
 */
export function localAlertmanagerConfig(options: LocalAlertmanagerOptions): AlertmanagerConfig {
  const config = parse(readFileSync(ALERTMANAGER_CONFIG, 'utf8')) as AlertmanagerConfig;
  if (!config.global.smtp_smarthost)
    throw new Error('alertmanager.yml has no global.smtp_smarthost to point at the local Mailpit');
  config.global.smtp_smarthost = options.smtp;
  config.templates = (config.templates ?? []).map((glob) => resolve(dirname(ALERTMANAGER_CONFIG), glob));
  for (const receiver of config.receivers) {
    for (const webhook of receiver.webhook_configs ?? []) {
      webhook.url = options.webhookUrl;
      webhook.http_config.authorization.credentials_file = options.tokenFile;
    }
    for (const slack of receiver.slack_configs ?? []) slack.api_url_file = options.slackUrlFile;
  }
  for (const route of [config.route, ...(config.route.routes ?? [])]) {
    Object.assign(route, { group_wait: options.groupTiming, group_interval: options.groupTiming });
  }
  return config;
}

export interface MailAddress {
  Name: string;
  Address: string;
}

export interface MailSummary {
  ID: string;
  To: MailAddress[];
  Subject: string;
}

export interface Mail extends MailSummary {
  From: MailAddress;
  Text: string;
  HTML: string;
}

/** A real Mailpit (SMTP in, REST API out) on loopback ports, with a temporary database. */
export class Mailpit {
  private constructor(
    private readonly server: Server,
    /** host:port of its SMTP listener. */
    readonly smtp: string,
  ) {}

  static async start(options: { smtpPort: number; httpPort: number; logDir: string }): Promise<Mailpit> {
    const args = [
      '--smtp',
      `127.0.0.1:${options.smtpPort}`,
      '--listen',
      `127.0.0.1:${options.httpPort}`,
      '--disable-version-check',
    ];
    const server = await Server.start('mailpit', toolBinary('mailpit'), args, options.httpPort, {
      logDir: options.logDir,
      readyPath: '/readyz',
    });
    return new Mailpit(server, `127.0.0.1:${options.smtpPort}`);
  }

  get url(): string {
    return this.server.url;
  }

  get logFile(): string {
    return this.server.logFile;
  }

  /** Every message received, newest first (Mailpit's GET /api/v1/messages). */
  async messages(): Promise<MailSummary[]> {
    const res = await fetch(`${this.url}/api/v1/messages?limit=200`);
    if (!res.ok) throw new Error(`GET /api/v1/messages: ${res.status}`);
    return ((await res.json()) as { messages: MailSummary[] }).messages;
  }

  /** One message with its text and HTML bodies (GET /api/v1/message/{ID}). */
  async message(id: string): Promise<Mail> {
    const res = await fetch(`${this.url}/api/v1/message/${encodeURIComponent(id)}`);
    if (!res.ok) throw new Error(`GET /api/v1/message/${id}: ${res.status}`);
    return (await res.json()) as Mail;
  }

  /** The full messages to `to` whose subject matches. */
  async find(to: string, subject: RegExp): Promise<Mail[]> {
    const summaries = (await this.messages()).filter(
      (m) => m.To.some((a) => a.Address === to) && subject.test(m.Subject),
    );
    return Promise.all(summaries.map((m) => this.message(m.ID)));
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/** What Alertmanager posts to a Slack incoming webhook (the fields the tests read). */
export interface SlackMessage {
  channel: string;
  username?: string;
  attachments: { title: string; title_link?: string; text: string; color?: string; fallback?: string }[];
}

/**
 * A local HTTP server standing where Slack's incoming webhook would be: it keeps every JSON body
 * posted to it and answers `ok` as text/plain, as Slack does (anything else Alertmanager counts as a failure).
 */
export class SlackWebhook {
  private constructor(
    private readonly server: HttpServer,
    readonly url: string,
    /** The messages posted so far, oldest first. */
    readonly received: SlackMessage[],
  ) {}

  static async start(): Promise<SlackWebhook> {
    const path = '/services/T0/B0/workshop';
    const received: SlackMessage[] = [];
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const ok = req.method === 'POST' && req.url === path;
        if (ok) received.push(JSON.parse(body) as SlackMessage);
        res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'no_service');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    return new SlackWebhook(server, `http://127.0.0.1:${port}${path}`, received);
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server.close(done));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
