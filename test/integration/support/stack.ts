import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { readServicesEnv } from '../../../scripts/ci/backing-services.mjs';

const ROOT = resolve(import.meta.dirname, '../../..');
const BACKING = join(ROOT, 'scripts/ci/backing-services.mjs');
export const LOG_DIR = join(ROOT, '.tmp/integration');
/** The telemetry preload every service starts with, as in production. */
const PRELOAD = join(ROOT, 'dist/libs/observability/src/telemetry/register.js');

export type ServiceName = 'gateway' | 'order' | 'payment' | 'notification';
export const SERVICES: ServiceName[] = ['payment', 'notification', 'order', 'gateway'];
const DATABASES = { order: 'orders', payment: 'payments', notification: 'notifications' } as const;

/** Where the real PostgreSQL and RabbitMQ are: env vars, else the file `backing-services.mjs start` wrote. */
export function backingServices(): { adminUrl: string; rabbitUrl: string } {
  const { adminUrl, rabbitUrl } = readServicesEnv();
  if (!adminUrl || !rabbitUrl) {
    throw new Error('PostgreSQL and RabbitMQ are not running: run `node scripts/ci/backing-services.mjs start` first');
  }
  return { adminUrl, rabbitUrl };
}

export function broker(command: 'rabbitmq-stop-app' | 'rabbitmq-start-app'): void {
  execFileSync(process.execPath, [BACKING, command], { stdio: 'pipe' });
}

export function rabbitmqctl(...args: string[]): void {
  execFileSync(process.execPath, [BACKING, 'rabbitmqctl', ...args], { stdio: 'pipe' });
}

/** The four services as real processes (`node dist/…/main.js`) on PostgreSQL and RabbitMQ. */
export interface StackOptions {
  /**
   * The gateway's port; order, payment, notification and the events port follow. Below 32768: Linux hands out
   * 32768–60999 to outgoing connections, and one of them can hold a port a service then fails to bind (EADDRINUSE).
   */
  basePort: number;
  /** Extra environment for every service (e.g. OTEL_* variables). */
  env?: Record<string, string>;
  /**
   * Real PostgreSQL and RabbitMQ. Without them the services still get their own databases on the test
   * PostgreSQL, and events travel over the broker-less TCP transport (as in `npm run dev`).
   */
  backing?: { adminUrl: string; rabbitUrl: string };
}

export class Stack {
  readonly ports: Record<ServiceName, number>;
  readonly urls: Record<ServiceName, string>;
  readonly databaseUrls: Record<keyof typeof DATABASES, string>;
  /** By service name, or `<name>-<port>` for a replica (startReplica). */
  private readonly processes = new Map<string, ChildProcess>();
  private readonly run = `it${Date.now().toString(36)}`;
  private readonly adminUrl: string;
  /** The run's own RabbitMQ virtual host, so a dev stack or a benchmark on the same broker cannot take its messages. */
  readonly rabbitUrl: string | undefined;
  private readonly vhost = `${this.run}-vhost`;
  private readonly eventsPort: number;

  constructor(private readonly options: StackOptions) {
    const basePort = options.basePort;
    if (basePort < 1024 || basePort + 4 >= 32768)
      throw new Error(`basePort ${basePort}: use 1024–32763, below the ephemeral port range`);
    this.adminUrl = options.backing?.adminUrl ?? inject('databaseAdminUrl');
    this.rabbitUrl = options.backing ? `${options.backing.rabbitUrl.replace(/\/+$/, '')}/${this.vhost}` : undefined;
    this.eventsPort = basePort + 4;
    this.ports = { gateway: basePort, order: basePort + 1, payment: basePort + 2, notification: basePort + 3 };
    this.urls = Object.fromEntries(SERVICES.map((s) => [s, `http://127.0.0.1:${this.ports[s]}`])) as Record<
      ServiceName,
      string
    >;
    this.databaseUrls = Object.fromEntries(
      Object.entries(DATABASES).map(([svc, db]) => {
        const url = new URL(this.adminUrl);
        url.pathname = `/${this.run}_${db}`;
        return [svc, url.toString()];
      }),
    ) as Record<keyof typeof DATABASES, string>;
  }

  async createDatabases(): Promise<void> {
    if (this.rabbitUrl) {
      rabbitmqctl('add_vhost', this.vhost);
      rabbitmqctl('set_permissions', '-p', this.vhost, 'workshop', '.*', '.*', '.*');
    }
    await this.admin(async (c) => {
      for (const url of Object.values(this.databaseUrls))
        await c.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
    });
  }

  async dropDatabases(): Promise<void> {
    if (this.rabbitUrl) {
      try {
        rabbitmqctl('delete_vhost', this.vhost);
      } catch (error) {
        // A start that failed before createDatabases() leaves nothing to delete.
        if (!/does not exist/.test((error as Error).message)) throw error;
      }
    }
    await this.admin(async (c) => {
      for (const url of Object.values(this.databaseUrls))
        await c.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
    });
  }

  envFor(name: ServiceName): Record<string, string> {
    const common = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(this.ports[name]),
      PATH: process.env.PATH ?? '',
    };
    const storage = (svc: keyof typeof DATABASES): Record<string, string> => ({ DATABASE_URL: this.databaseUrls[svc] });
    const events: Record<string, string> = this.rabbitUrl
      ? { RABBITMQ_URL: this.rabbitUrl }
      : { EVENTS_TCP_HOST: '127.0.0.1', EVENTS_TCP_PORT: String(this.eventsPort) };
    const specific: Record<ServiceName, Record<string, string>> = {
      gateway: { ORDER_SERVICE_URL: this.urls.order, NOTIFICATION_SERVICE_URL: this.urls.notification },
      order: {
        ...storage('order'),
        ...events,
        PAYMENT_SERVICE_URL: this.urls.payment,
        OUTBOX_POLL_INTERVAL_MS: '250',
        OUTBOX_PUBLISH_TIMEOUT_MS: '2000',
        RECONCILE_INTERVAL_MS: '500',
      },
      payment: { ...storage('payment'), PAYMENT_PROVIDER_LATENCY_MS: '10' },
      notification: { ...storage('notification'), ...events },
    };
    return { ...common, ...specific[name], ...this.options.env };
  }

  async start(name: ServiceName, env: Record<string, string> = {}): Promise<ChildProcess> {
    return this.launch(name, name, this.urls[name], env);
  }

  /**
   * One more process of a service (a replica) on its own port, with the same databases, broker and
   * settings as `start(name)` would give it. Its key, for stop() and logOf(), is `<name>-<port>`.
   */
  async startReplica(name: ServiceName, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
    return this.launch(name, `${name}-${port}`, `http://127.0.0.1:${port}`, { PORT: String(port), ...env });
  }

  private async launch(
    name: ServiceName,
    key: string,
    url: string,
    env: Record<string, string>,
  ): Promise<ChildProcess> {
    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(join(LOG_DIR, `${this.run}-${key}.log`), { flags: 'a' });
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', PRELOAD, join(ROOT, `dist/apps/${name}/src/main.js`)],
      {
        cwd: ROOT,
        env: { ...this.envFor(name), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.processes.set(key, child);
    await this.waitReady(key, url, child);
    return child;
  }

  async startAll(): Promise<void> {
    for (const name of SERVICES) await this.start(name);
  }

  /** GATEWAY_URL … NOTIFICATION_URL: where the fault and load CLIs find this stack's services. */
  urlEnv(): Record<string, string> {
    return Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, this.urls[s]]));
  }

  /** A suite's beforeAll: the databases (and the RabbitMQ vhost), then the four services. */
  async up(): Promise<void> {
    await this.createDatabases();
    await this.startAll();
  }

  /** SIGTERM and wait for the exit; returns the exit code. `name` is a service, or a replica's `<name>-<port>`. */
  async stop(name: ServiceName | string): Promise<number | null> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error(`${name} did not exit within 15 s of SIGTERM`);
    }
    return code;
  }

  process(name: ServiceName | string): ChildProcess | undefined {
    return this.processes.get(name);
  }

  async stopAll(): Promise<void> {
    for (const name of [...SERVICES].reverse()) await this.stop(name).catch(() => undefined);
    // Replicas, newest first.
    for (const key of [...this.processes.keys()].reverse()) await this.stop(key).catch(() => undefined);
  }

  /** A suite's afterAll: every process stopped, then the databases (and the vhost) dropped. */
  async down(): Promise<void> {
    await this.stopAll();
    await this.dropDatabases();
  }

  logOf(name: ServiceName | string): string {
    const file = join(LOG_DIR, `${this.run}-${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async query<T = Record<string, unknown>>(
    service: keyof typeof DATABASES,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrls[service] });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private async admin(work: (c: pg.Client) => Promise<void>): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  }

  private async waitReady(name: string, url: string, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`${name} exited with ${child.exitCode}:\n${this.logOf(name).slice(-3000)}`);
      try {
        const res = await fetch(`${url}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${name} was not ready within 30 s:\n${this.logOf(name).slice(-3000)}`);
  }
}

/** Polls until `check` returns a truthy value or the time is up. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** `eventually` for a check that answers undefined until it holds: resolves to what it answers then. */
export function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return eventually(check, timeoutMs, what) as Promise<T>;
}
