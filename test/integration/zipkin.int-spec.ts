import { scenario } from '@app/faults';
import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from '../../scripts/waterfall/index.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../support/boot.js';
// @ts-expect-error: a plain ESM script without types
import { main as faultCli } from '../../scripts/fault.mjs';
import type { Server } from '../support/server.js';
import { SERVICES, Stack, backingServices, until } from './support/stack.js';
import { itShowsOneOrder } from './support/order-trace.js';
import { firstFailingServices, isConnected } from './support/trace-analysis.js';
import { ZipkinApi, type ZipkinSearch, collectedFromZipkin, startZipkin } from './support/zipkin.js';

/**
 * Zipkin for real: the jar of the release docker-compose.zipkin.yml runs (ZIPKIN_IMAGE in .env),
 * started with the overlay's settings, and the four services exporting with the overlay's own
 * OTEL_* variables (only Zipkin's host rewritten): every span goes to Zipkin as well as over OTLP.
 * Asked through Zipkin's v2 API, the way its UI asks: the same trace shape as in Jaeger, and the
 * searches the trace lab's Zipkin part tells participants to run.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'zipkin-suite-admin-token';
const ZIPKIN_PORT = 24111;

/** The variables the overlay adds to every service, its Zipkin address pointed at this machine. */
function overlayExportEnv(): Record<string, string> {
  const overlay = parse(readFileSync(join(ROOT, 'docker-compose.zipkin.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const envs = SERVICES.map((s) => overlay.services[s]?.environment ?? {});
  for (const env of envs) expect(env).toEqual(envs[0]);
  return Object.fromEntries(
    Object.entries(envs[0]!).map(([k, v]) => [
      k,
      String(v).replace('http://zipkin:9411/', `http://127.0.0.1:${ZIPKIN_PORT}/`),
    ]),
  );
}

let stack: Stack;
let zipkinServer: Server;
let zipkin: ZipkinApi;
let collector: OtlpCollector;
let zipkinReadyMs: number;

beforeAll(async () => {
  const started = Date.now();
  zipkinServer = await startZipkin(ZIPKIN_PORT);
  zipkinReadyMs = Date.now() - started;
  zipkin = new ZipkinApi(zipkinServer.url);
  collector = await startOtlpCollector({ port: 0, idleMs: 500, onTrace: () => {} });
  const exportEnv = overlayExportEnv();
  expect(exportEnv).toMatchObject({
    OTEL_TRACES_EXPORTER: 'otlp,zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${ZIPKIN_PORT}/api/v2/spans`,
  });
  stack = new Stack({
    basePort: 24020,
    backing: backingServices(),
    env: {
      ...exportEnv,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ADMIN_TOKEN: TOKEN,
    },
  });
  await stack.up();
}, 180_000);

afterAll(async () => {
  await stack?.down();
  await collector?.close();
  await zipkinServer?.stop();
  console.info(`[zipkin suite] Zipkin healthy after ${zipkinReadyMs} ms`);
});

async function placeOrder(expectStatus = 201): Promise<string | undefined> {
  const res = await fetch(`${stack.urls.gateway}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
  expect(res.status).toBe(expectStatus);
  return ((await res.json()) as { id?: string }).id;
}

function fault(...argv: string[]): Promise<number> {
  return faultCli(argv, { env: { ADMIN_TOKEN: TOKEN, ...stack.urlEnv() }, out: () => undefined });
}

/** The trace through GET /api/v2/trace/{traceId}, once the notification consumer's span is in. */
function completeTrace(traceId: string): Promise<CollectedSpan[]> {
  return until(
    async () => {
      const spans = collectedFromZipkin(await zipkin.trace(traceId));
      return isConnected(spans) && spans.some((s) => s.name === 'notification.deliver') ? spans : undefined;
    },
    20_000,
    `Zipkin trace ${traceId} with its notification span`,
  );
}

describe('one order in Zipkin', () => {
  let orderId: string;
  let traceId: string;
  let spans: CollectedSpan[];
  beforeAll(async () => {
    orderId = (await placeOrder())!;
    // The lab: serviceName `gateway`, spanName `post /api/orders` (Zipkin lower-cases span names), then the newest.
    const found = await until(
      async () => {
        const traces = await zipkin.traces({ serviceName: 'gateway', spanName: 'post /api/orders' });
        const payment = await zipkin.traces({ serviceName: 'payment', annotationQuery: `order.id=${orderId}` });
        const id = payment[0]?.[0]?.traceId;
        return id && traces.some((t) => t[0]?.traceId === id) ? id : undefined;
      },
      20_000,
      'the lab search and the order.id tag query to find the order',
    );
    traceId = found;
    spans = await completeTrace(traceId);
  });

  it('lists the four services', async () => {
    expect((await zipkin.services()).sort()).toEqual([...SERVICES].sort());
    expect(await zipkin.spanNames('gateway')).toContain('post /api/orders');
  });

  // Zipkin stores span names lower-cased.
  itShowsOneOrder(
    () => ({ spans, orderId }),
    (name) => name.toLowerCase(),
  );

  it('draws who calls whom in Dependencies (the lab\'s "Beyond one trace")', async () => {
    const links = (await zipkin.dependencies()).map((d) => `${d.parent}→${d.child}`);
    expect(links).toEqual(expect.arrayContaining(['gateway→order', 'order→payment']));
  });

  it('is the same trace the OTLP exporter sent: Zipkin as well as Jaeger, not instead', async () => {
    const otlp = await until(
      async () => {
        const mine = collector.spans().filter((s) => s.traceId === traceId);
        return mine.length >= spans.length ? mine : undefined;
      },
      10_000,
      'the same trace over OTLP',
    );
    expect(new Set(otlp.map((s) => s.spanId))).toEqual(new Set(spans.map((s) => s.spanId)));
    // Zipkin stores names lower-cased; the OTLP side keeps them as the code wrote them.
    expect(new Set(otlp.map((s) => s.name.toLowerCase()))).toEqual(new Set(spans.map((s) => s.name)));
  });
});

describe('the lab searches in Zipkin while a fault is on', () => {
  /** A Discover search whose lookback reaches back to `since` (epoch ms). */
  const searchSince = (since: number, search: ZipkinSearch) =>
    zipkin.traces({ ...search, lookbackMs: Date.now() - since + 1000 });

  it('payment-latency: serviceName payment with tagQuery workshop.fault=payment-latency, and minDuration', async () => {
    const since = Date.now();
    await fault('on', 'payment-latency', '--latencyMs', '800');
    try {
      const orderId = (await placeOrder())!;
      const tagged = await until(
        async () => {
          const traces = await searchSince(since, {
            serviceName: 'payment',
            annotationQuery: 'workshop.fault=payment-latency',
          });
          return traces.some((t) => t.some((s) => s.tags?.['order.id'] === orderId)) ? traces : undefined;
        },
        20_000,
        'the workshop.fault tag query',
      );
      const slow = await until(
        async () => {
          const traces = await searchSince(since, { serviceName: 'gateway', minDuration: 500_000 });
          return traces.length > 0 ? traces : undefined;
        },
        10_000,
        'the minDuration search',
      );
      // The tag is on every handler span of the service while the fault is on: the CLI's own GET /admin/faults too.
      const orders = tagged.filter((t) => t.some((s) => s.tags?.['order.id'] === orderId));
      expect(orders).toHaveLength(1);
      expect(slow.map((t) => t[0]!.traceId)).toEqual(orders.map((t) => t[0]!.traceId));
      const spans = await completeTrace(orders[0]![0]!.traceId);
      const authorize = spans.find((s) => s.name === scenario('payment-latency')!.evidence.trace.span)!;
      expect(authorize.service).toBe('payment');
      expect(authorize.durationMs).toBeGreaterThan(700);
    } finally {
      await fault('off', 'payment-latency');
    }
  });

  it('payment-errors: serviceName gateway with tagQuery error finds it; the deepest error span is payment.authorize', async () => {
    const since = Date.now();
    await fault('on', 'payment-errors', '--probability', '1');
    try {
      await placeOrder(502);
      const failed = await until(
        async () => {
          const traces = await searchSince(since, { serviceName: 'gateway', annotationQuery: 'error' });
          return traces.length > 0 ? traces : undefined;
        },
        20_000,
        'a trace in error',
      );
      const spans = await until(
        async () => {
          const all = collectedFromZipkin(await zipkin.trace(failed[0]![0]!.traceId));
          return isConnected(all) && all.some((s) => s.service === 'payment' && s.status === 'error') ? all : undefined;
        },
        10_000,
        "payment's error span",
      );
      const culprit = scenario('payment-errors')!.evidence.trace;
      expect(firstFailingServices([spans])).toEqual({ [culprit.culprit]: 1 });
      const authorize = spans.find((s) => s.name === culprit.span)!;
      expect(authorize.status).toBe('error');
      // The OTel Zipkin exporter puts the status message in the `error` tag (exception events become annotations).
      expect(authorize.statusMessage).toContain('card provider answered 503');
    } finally {
      await fault('off', 'payment-errors');
    }
  });
});
