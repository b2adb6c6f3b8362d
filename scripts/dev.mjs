// `npm run dev`: builds, then runs the four services on this machine with no
// Docker. With DATABASE_URL / RABBITMQ_URL unset they use SQLite files under
// .data/ and the broker-less TCP transport for events. Ctrl-C stops all four.
//
//   npm run dev                 logs of the four services, pretty when this is a terminal
//   npm run dev -- --waterfall  also print every finished trace as a waterfall
//                               (a small OTLP/HTTP collector in this process; used when
//                               OTEL_EXPORTER_OTLP_ENDPOINT is not set)
import { execFileSync, spawn } from 'node:child_process';

const SERVICES = [
  ['payment', 35],
  ['notification', 33],
  ['order', 36],
  ['gateway', 32],
];
const PRELOAD = './dist/libs/observability/src/telemetry/register.js';
const waterfall = process.argv.includes('--waterfall') || process.env.WATERFALL === '1';

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const childEnv = {
  NODE_ENV: 'development',
  // The admin API (npm run fault) answers this token; the same default as the CLI and .env.
  ADMIN_TOKEN: 'workshop-admin-token',
  LOG_FORMAT: process.stdout.isTTY ? 'pretty' : 'json',
  ...process.env,
};

let collector;
if (waterfall && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { renderWaterfall, startOtlpCollector } = await import('../dist/libs/observability/src/index.js');
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
      process.stdout.write(`waterfall collector: ${r.status} ${r.message}\n`);
    },
  });
  Object.assign(childEnv, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Export quickly so a trace is complete before the collector prints it.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  process.stdout.write(`waterfall: collecting traces at ${collector.url}\n`);
}

const children = SERVICES.map(([name, color]) => {
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', PRELOAD, `dist/apps/${name}/src/main.js`], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m${name.padEnd(12)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r)))))
    .then(() => collector?.close())
    .then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
