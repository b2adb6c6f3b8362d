import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from '../../scripts/waterfall/index.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
import { Stack, eventually } from './support/stack.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BASE_PORT = 23200;
const PG_PORT = 23290;

/** A fresh folder the OS user postgres can reach (mkdtemp makes it private). */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workshop-dev-'));
  chmodSync(dir, 0o755);
  return dir;
}

const place = async (gateway: string) => {
  const res = await fetch(`${gateway}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
  return { status: res.status, body: (await res.json()) as { id: string; status: string } };
};

/** `npm run dev` as a newcomer runs it: scripts/dev.mjs, its own PostgreSQL 18 cluster, four processes. */
class DevRun {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(dataDir: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['scripts/dev.mjs', '--no-build'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DEV_BASE_PORT: String(BASE_PORT),
        DEV_PGPORT: String(PG_PORT),
        DEV_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on('data', (chunk) => this.output.push(String(chunk)));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  get text(): string {
    return this.output.join('');
  }

  async ready(): Promise<void> {
    await eventually(
      async () => this.text.includes('ready: all four services are up') || this.child.exitCode !== null,
      90_000,
      'the ready line',
    );
    if (this.child.exitCode !== null)
      throw new Error(`npm run dev exited with ${this.child.exitCode}:\n${this.text.slice(-3000)}`);
  }

  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }
}

describe('npm run dev', () => {
  const dataDir = dataFolder();
  const gateway = `http://127.0.0.1:${BASE_PORT}`;
  let collector: OtlpCollector;
  let dev: DevRun | undefined;

  beforeAll(async () => {
    collector = await startOtlpCollector({ port: 0, idleMs: 500, onTrace: () => {} });
  });
  afterAll(async () => {
    if (dev) await dev.interrupt();
    await collector?.close();
  });

  it('prints one ready line, then takes a paid order whose trace holds PostgreSQL spans from order and payment', async () => {
    dev = new DevRun(dataDir, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await dev.ready();
    expect(dev.text).toMatch(/PostgreSQL 18\.4 created on 127\.0\.0\.1:23290/);
    expect(dev.text.match(/ready: all four services are up/g)).toHaveLength(1);
    const { status, body } = await place(gateway);
    expect(status).toBe(201);
    expect(body.status).toBe('paid');
    const spans = await eventually(
      async () => {
        const trace = collector
          .spans()
          .filter((s) => s.traceId === collector.spans().find((x) => x.attributes['order.id'] === body.id)?.traceId);
        const db = trace.filter(
          (s: CollectedSpan) =>
            s.attributes[ATTR_DB_SYSTEM_NAME] === 'postgresql' || s.attributes['db.system'] === 'postgresql',
        );
        return new Set(db.map((s) => s.service)).size >= 2 ? db : undefined;
      },
      15_000,
      'postgresql spans of the order',
    );
    // notification's consumer may have written its row by now too: order and payment must be there.
    expect([...new Set(spans!.map((s) => s.service))]).toEqual(expect.arrayContaining(['order', 'payment']));
  });

  it('stops the services and the database on Ctrl-C, and keeps the orders for the next run', async () => {
    const { body } = await place(gateway);
    expect(await dev!.interrupt()).toBe(0);
    expect(existsSync(join(dataDir, 'postgres/postmaster.pid'))).toBe(false);
    dev = new DevRun(dataDir);
    await dev.ready();
    expect(dev.text).toMatch(/PostgreSQL 18\.4 started on/);
    const res = await fetch(`${gateway}/api/orders/${body.id}`);
    expect(res.status).toBe(200);
    expect(await dev.interrupt()).toBe(0);
    dev = undefined;
  });

  it('says in one line what to do when a lock file names a process that is not PostgreSQL', async () => {
    const lock = join(dataDir, 'postgres/postmaster.pid');
    writeFileSync(lock, `${process.pid}\n${join(dataDir, 'postgres')}\n`);
    try {
      const run = new DevRun(dataDir);
      expect(await run.exited).toBe(1);
      const lines = run.text
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('npm run dev:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`names process ${process.pid}, which is not PostgreSQL`);
      expect(lines[0]).toContain('delete that file');
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('says in one line what to do when the database port is taken', async () => {
    const squatter = createServer().listen(PG_PORT, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      const run = new DevRun(dataFolder());
      expect(await run.exited).toBe(1);
      const lines = run.text
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('npm run dev:'));
      expect(lines).toEqual([
        `npm run dev: PostgreSQL: port 127.0.0.1:${PG_PORT} is taken by another program: stop it, or choose another port with DEV_PGPORT=<port>`,
      ]);
    } finally {
      squatter.close();
    }
  });
});

/** The broker-less TCP transport `npm run dev` uses, with the four services as real processes. */
describe('the services without a broker (npm run dev adapters)', () => {
  let stack: Stack;

  const notificationsFor = async (orderId: string) =>
    ((await (await fetch(`${stack.urls.gateway}/api/notifications?orderId=${orderId}`)).json()) as { data: unknown[] })
      .data;

  beforeAll(async () => {
    stack = new Stack({ basePort: 23250 });
    await stack.up();
  });
  afterAll(async () => {
    await stack?.down();
  });

  it('keeps events in the outbox while the notification service is down and delivers them when it is back', async () => {
    expect(await stack.stop('notification')).toBe(0);
    const { status, body } = await place(stack.urls.gateway);
    expect(status).toBe(201);
    await sleep(1_000);
    await stack.start('notification');
    await eventually(async () => (await notificationsFor(body.id)).length === 1, 15_000, 'the delayed notification');
    await sleep(500);
    expect(await notificationsFor(body.id)).toHaveLength(1);
  });
});
