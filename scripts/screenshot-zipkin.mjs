// `npm run screenshot:zipkin`: the picture of one order's trace in Zipkin's UI, for the
// README and the trace lab (docs/images/zipkin-order-trace.png). One command, no Docker:
//
//   1. builds, starts Zipkin (the jar of ZIPKIN_IMAGE's release, as docker-compose.zipkin.yml
//      configures it: scripts/ci/zipkin.mjs) on 127.0.0.1,
//   2. runs `npm run dev` (the four services on the embedded PostgreSQL, events over TCP) on ports of
//      its own, the services exporting their spans with OTEL_TRACES_EXPORTER=zipkin,
//   3. places a warm-up order, then the order of the picture, and waits for its whole trace,
//   4. opens Zipkin's UI on that trace in headless Chromium (Debian's `chromium`, driven by
//      puppeteer-core; no browser is downloaded) and saves the page.
//
// Options (environment): CHROMIUM (default /usr/bin/chromium), SCREENSHOT_BASE_PORT (the
// gateway's port, the others follow, as DEV_BASE_PORT; default 24050), SCREENSHOT_PGPORT (default
// 24059), ZIPKIN_PORT (default 24120), OUT.
// Not part of any test run: it writes a file in docs/.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { zipkinCommand } from './ci/zipkin.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, process.env.OUT ?? 'docs/images/zipkin-order-trace.png');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BASE = Number(process.env.SCREENSHOT_BASE_PORT ?? 24050);
const ZIPKIN_PORT = Number(process.env.ZIPKIN_PORT ?? 24120);
const ZIPKIN = `http://127.0.0.1:${ZIPKIN_PORT}`;
const GATEWAY = `http://127.0.0.1:${BASE}`;
const ORDER = {
  customerId: 'customer-42',
  items: [
    { sku: 'SKU-KEYBOARD', quantity: 1, unitPrice: 89.9 },
    { sku: 'SKU-MOUSE', quantity: 2, unitPrice: 24.5 },
  ],
  payment: { cardNumber: '4242424242424242' },
};

const logDir = join(ROOT, '.tmp/screenshot');
mkdirSync(logDir, { recursive: true });
const children = [];
const cleanups = [];

function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(logDir, `${name}.log`));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.push(child);
  return child;
}

class Fatal extends Error {}

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch((error) => {
      if (error instanceof Fatal) throw error;
      return undefined;
    });
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (logs in ${logDir})`);
    await sleep(250);
  }
}

const ok = (target) => fetch(target).then((r) => r.ok);

async function placeOrder() {
  const res = await fetch(`${GATEWAY}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
  if (res.status !== 201) throw new Error(`POST /api/orders answered ${res.status}: ${await res.text()}`);
  return (await res.json()).id;
}

/** The trace of an order once Zipkin holds all of it (the notification consumer's span comes last). */
async function traceOf(orderId) {
  return until(`the trace of order ${orderId} in Zipkin`, async () => {
    const query = new URLSearchParams({ serviceName: 'payment', annotationQuery: `order.id=${orderId}`, limit: '1' });
    const traceId = (await (await fetch(`${ZIPKIN}/api/v2/traces?${query}`)).json())[0]?.[0]?.traceId;
    if (!traceId) return undefined;
    const spans = await (await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`)).json();
    return spans.some((s) => s.name === 'notification.deliver') ? { traceId, spans: spans.length } : undefined;
  });
}

async function main() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const zipkin = zipkinCommand(ZIPKIN_PORT);
  start('zipkin', zipkin.command, zipkin.args, zipkin.env);
  // Inside the clone, as `npm run dev`'s own .data: the database runs as the OS user postgres when this runs as root,
  // and a private temp folder would be closed to it.
  const data = join(logDir, 'data');
  rmSync(data, { recursive: true, force: true });
  const dev = start('dev', process.execPath, ['scripts/dev.mjs', '--no-build'], {
    DEV_BASE_PORT: String(BASE),
    DEV_PGPORT: process.env.SCREENSHOT_PGPORT ?? '24059',
    DEV_DATA_DIR: data,
    LOG_FORMAT: 'json',
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${ZIPKIN}/api/v2/spans`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  cleanups.push(() => rmSync(data, { recursive: true, force: true }));
  await until(
    'npm run dev: the four services ready',
    async () => {
      if (dev.exitCode !== null)
        throw new Fatal(`npm run dev exited with ${dev.exitCode} (see ${join(logDir, 'dev.log')})`);
      return ok(`${GATEWAY}/health/ready`);
    },
    120_000,
  );
  await until('Zipkin healthy', () => ok(`${ZIPKIN}/health`), 90_000);

  // The first order pays for every cold start (connections, JIT): the picture shows the second.
  await traceOf(await placeOrder());
  const orderId = await placeOrder();
  const { traceId, spans } = await traceOf(orderId);
  console.log(`order ${orderId}: trace ${traceId}, ${spans} spans`);

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root (CI, containers) Chromium refuses to start sandboxed.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    // Tall enough for every row of an order's trace (about 30 spans with the SQL statements).
    await page.setViewport({ width: 1280, height: 1240, deviceScaleFactor: 1 });
    await page.goto(`${ZIPKIN}/zipkin/traces/${traceId}`, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => document.body.innerText.includes('notification.deliver'), { timeout: 30_000 });
    // The waterfall across the whole width: the span detail panel (the root span's tags) closed.
    await page.click('button[title="Close span detail"]');
    await sleep(500);
    mkdirSync(dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT, fullPage: true });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
}

try {
  await main();
} finally {
  // `npm run dev` stops the services, then its PostgreSQL, on SIGTERM.
  await Promise.all(
    children
      .reverse()
      .map((child) => child.exitCode === null && new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')))),
  );
  for (const cleanup of cleanups) cleanup();
}
