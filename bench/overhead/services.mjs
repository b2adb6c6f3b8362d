/**
 * The four services as real processes, started the way production starts them
 * (`node --import …/register.js dist/apps/<name>/src/main.js`, see the
 * `start:*` scripts), on fresh PostgreSQL databases and a RabbitMQ vhost of their own.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { readServicesEnv } from '../../scripts/ci/backing-services.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const PRELOAD_PATH = 'dist/libs/observability/src/telemetry/register.js';
const PRELOAD = join(ROOT, PRELOAD_PATH);
/** Boot order: dependencies first, as test/integration/support/stack.ts does. */
export const SERVICES = ['payment', 'notification', 'order', 'gateway'];
const DATABASES = { order: 'orders', payment: 'payments', notification: 'notifications' };
const BACKING_SCRIPT = join(ROOT, 'scripts/ci/backing-services.mjs');
const BOOT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export function assertBuilt() {
  for (const file of [PRELOAD, ...SERVICES.map((s) => join(ROOT, `dist/apps/${s}/src/main.js`))]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/** Where PostgreSQL and RabbitMQ are: env vars, else the file `node scripts/ci/backing-services.mjs start` wrote. */
export function backingServices() {
  const { adminUrl, rabbitUrl } = readServicesEnv();
  if (!adminUrl || !rabbitUrl)
    throw new Error('PostgreSQL and RabbitMQ are not running: run `node scripts/ci/backing-services.mjs start` first');
  return { adminUrl, rabbitUrl };
}

/** rabbitmqctl against the broker `backing-services.mjs start` set up. */
function rabbitmqctl(...args) {
  execFileSync(process.execPath, [BACKING_SCRIPT, 'rabbitmqctl', ...args], { stdio: 'pipe', timeout: 30_000 });
}

async function withAdmin(adminUrl, work) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** One run of the four services: its own databases, RabbitMQ vhost, ports and log files. */
export class ServiceSet {
  constructor({ runId, basePort, backing, logDir, providerLatencyMs }) {
    this.runId = runId;
    this.backing = backing;
    this.logDir = logDir;
    this.providerLatencyMs = providerLatencyMs;
    this.ports = { gateway: basePort, order: basePort + 1, payment: basePort + 2, notification: basePort + 3 };
    this.children = {};
    this.exits = {};
  }

  url(name) {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  databaseUrl(service) {
    const url = new URL(this.backing.adminUrl);
    url.pathname = `/${this.runId}_${DATABASES[service]}`;
    return url.toString();
  }

  /**
   * Fresh databases and a RabbitMQ vhost of its own, so no run inherits another's rows or backlog, and
   * other stacks on the same broker (integration tests, someone's `npm run dev`) never see its events.
   */
  async prepare() {
    await withAdmin(this.backing.adminUrl, async (c) => {
      for (const svc of Object.keys(DATABASES))
        await c.query(`CREATE DATABASE "${new URL(this.databaseUrl(svc)).pathname.slice(1)}"`);
    });
    this.rabbitUrl = this.ownVhost();
  }

  ownVhost() {
    const url = new URL(this.backing.rabbitUrl);
    try {
      rabbitmqctl('add_vhost', this.runId);
      rabbitmqctl('set_permissions', '-p', this.runId, decodeURIComponent(url.username), '.*', '.*', '.*');
      this.vhost = this.runId;
      url.pathname = `/${this.runId}`;
    } catch (error) {
      process.stderr.write(
        `[bench] no vhost of its own (${error.message.split('\n')[0]}); sharing the broker's default vhost\n`,
      );
    }
    return url.toString();
  }

  async cleanUp() {
    await withAdmin(this.backing.adminUrl, async (c) => {
      for (const svc of Object.keys(DATABASES)) {
        await c.query(`DROP DATABASE IF EXISTS "${new URL(this.databaseUrl(svc)).pathname.slice(1)}" WITH (FORCE)`);
      }
    });
    if (this.vhost) rabbitmqctl('delete_vhost', this.vhost);
    this.vhost = undefined;
  }

  envFor(name, modeEnv) {
    const storage = (svc) => ({ DATABASE_URL: this.databaseUrl(svc) });
    const events = { RABBITMQ_URL: this.rabbitUrl ?? this.backing.rabbitUrl };
    const specific = {
      gateway: { ORDER_SERVICE_URL: this.url('order'), NOTIFICATION_SERVICE_URL: this.url('notification') },
      order: { ...storage('order'), ...events, PAYMENT_SERVICE_URL: this.url('payment') },
      payment: { ...storage('payment'), PAYMENT_PROVIDER_LATENCY_MS: String(this.providerLatencyMs) },
      notification: { ...storage('notification'), ...events },
    };
    // Nothing inherited from the caller's shell but PATH: no stray OTEL_* or LOG_* variable.
    return {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(this.ports[name]),
      PATH: process.env.PATH ?? '',
      ...specific[name],
      ...modeEnv,
    };
  }

  /** Starts the services one by one; returns ms from spawn to the first 200 of /health/ready, per service. */
  async start(modeEnv) {
    const boot = {};
    for (const name of SERVICES) boot[name] = await this.startOne(name, modeEnv);
    return boot;
  }

  async startOne(name, modeEnvWithRoot) {
    // BENCH_ROOT (a mode's pseudo-variable, not passed on) runs another checkout's build: before against after in one run.
    const { BENCH_ROOT: root = ROOT, ...modeEnv } = modeEnvWithRoot;
    const log = openSync(join(this.logDir, `${this.runId}-${name}.log`), 'a');
    const started = performance.now();
    // The log file is the child's stdout itself: the bench never copies log bytes.
    const child = spawn(
      process.execPath,
      ['--import', join(root, PRELOAD_PATH), join(root, `dist/apps/${name}/src/main.js`)],
      {
        cwd: root,
        env: this.envFor(name, modeEnv),
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    this.children[name] = child;
    child.once('exit', (code, signal) => (this.exits[name] = { code, signal }));
    const deadline = started + BOOT_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (this.exits[name])
        throw new Error(`${name} exited during boot (${JSON.stringify(this.exits[name])}); see ${this.logOf(name)}`);
      try {
        const res = await fetch(`${this.url(name)}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`${name} was not ready within ${BOOT_TIMEOUT_MS} ms; see ${this.logOf(name)}`);
  }

  pids() {
    return Object.fromEntries(Object.entries(this.children).map(([name, child]) => [name, child.pid]));
  }

  /** Services that exited while they should have been serving. */
  crashed() {
    return Object.keys(this.exits);
  }

  logOf(name) {
    return join(this.logDir, `${this.runId}-${name}.log`);
  }

  /** SIGTERM to all, as an orchestrator would; SIGKILL after 15 s. Returns exit codes. */
  async stop() {
    const codes = {};
    await Promise.all(
      Object.entries(this.children).map(async ([name, child]) => {
        if (!this.exits[name]) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        codes[name] = this.exits[name]?.code ?? null;
      }),
    );
    return codes;
  }
}
