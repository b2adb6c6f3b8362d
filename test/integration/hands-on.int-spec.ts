import type { CollectedSpan } from '../../scripts/waterfall/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { main as faultCli } from '../../scripts/fault.mjs';
import { JaegerApi, collectedSpans, exportToJaeger, startJaeger } from './support/jaeger.js';
import { PrometheusApi, localPrometheusConfig, localTargets, readYaml } from './support/prometheus.js';
import type { Server } from '../support/server.js';
import { startPrometheus } from '../support/tool-servers.js';
import { SERVICES, type ServiceName, Stack, backingServices, until } from './support/stack.js';
import {
  curlBodies,
  faultCommands,
  kqlTerms,
  labPage,
  matchesKql,
  onlyAnswer,
  parseTraceparent,
  traceparentExamples,
} from '../support/workshop-exercises.js';

/**
 * The hands-on exercises of the labs, done as a participant does them, against the four services as
 * real processes (PostgreSQL, RabbitMQ), the real Jaeger (observability/jaeger/config.yaml) and a real
 * Prometheus (observability/prometheus/prometheus.yml with its rules). Every header, body, fault command
 * and answer is read from the English pages (the config suite ties the Korean ones to them):
 *
 *   - lab 3: an order with your own `traceparent` is in Jaeger under your trace id, the gateway's server
 *     span a child of your parent id, and on the log lines of all four services under `trace_id`;
 *     a malformed header is ignored (a new trace); flags 00 keep the id in the logs and out of Jaeger;
 *   - lab 1: the KQL answer finds payment's line about a failed order, and only it;
 *   - lab 2: the PromQL answer is the number the recording rule computes for the order service.
 *
 * Ports 25400–25499.
 */
const TOKEN = 'hands-on-suite-admin-token';
const JAEGER_PORTS = { 4317: 25411, 4318: 25412, 8888: 25413, 8889: 25414, 13133: 25415, 16685: 25416, 16686: 25417 };
const PROMETHEUS_PORT = 25420;
const RECORDING_RULES = resolve(import.meta.dirname, '../../observability/prometheus/rules/recording.yml');

const LAB1 = labPage('en', '01-logs.md');
const LAB2 = labPage('en', '02-metrics-and-alerts.md');
const LAB3 = labPage('en', '03-traces.md');
const EXAMPLES = traceparentExamples(LAB3).map((header) => ({ header, ...parseTraceparent(header) }));
const SAMPLED = EXAMPLES.find((e) => e.kind === 'sampled')!;
const UNSAMPLED = EXAMPLES.find((e) => e.kind === 'unsampled')!;
const MALFORMED = EXAMPLES.filter((e) => e.kind === 'malformed').map((e) => e.header);

let stack: Stack;
let jaegerServer: Server;
let prometheus: Server;
let jaeger: JaegerApi;
let prom: PrometheusApi;
const dir = mkdtempSync(join(tmpdir(), 'hands-on-suite-'));

beforeAll(async () => {
  stack = new Stack({
    basePort: 25400,
    backing: backingServices(),
    env: { ...exportToJaeger(JAEGER_PORTS), ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'info' },
  });
  const promAddress = `127.0.0.1:${PROMETHEUS_PORT}`;
  const { config } = localPrometheusConfig({
    targets: localTargets(stack.ports, promAddress, '127.0.0.1:1'),
    alertmanager: '127.0.0.1:1',
    interval: '1s',
  });
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  prometheus = await startPrometheus('prometheus-hands-on-suite', dir, PROMETHEUS_PORT);
  jaegerServer = await startJaeger('jaeger-hands-on-suite', dir, {
    ports: JAEGER_PORTS,
    outgoing: { 'prometheus:9090': promAddress },
  });
  jaeger = new JaegerApi(jaegerServer.url);
  prom = new PrometheusApi(prometheus.url);
  await stack.up();
});

afterAll(async () => {
  await stack?.down();
  await jaegerServer?.stop();
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type LogLine = Record<string, unknown> & {
  service?: string;
  msg?: string;
  trace_id?: string;
  span_id?: string;
  level?: string;
};

/** The JSON lines a service wrote so far: what Fluentd ships to Elasticsearch, field for field. */
function linesOf(service: ServiceName): LogLine[] {
  return stack
    .logOf(service)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}
const allLines = () => SERVICES.flatMap(linesOf);

/** The lab's curl: POST /api/orders with the page's body and, when given, a traceparent header. */
async function placeOrder(
  body: unknown,
  traceparent?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (traceparent) headers.traceparent = traceparent;
  const res = await fetch(`${stack.urls.gateway}/api/orders`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** GET /api/traces/<id>, as *Lookup by Trace ID* asks: the spans, or the HTTP status when there is no trace. */
async function lookup(
  traceId: string,
): Promise<{ status: number; spans: CollectedSpan[]; warnings: Map<string, string[]> }> {
  const res = await fetch(`${jaeger.url}/api/traces/${traceId}`);
  if (res.status !== 200) return { status: res.status, spans: [], warnings: new Map() };
  const trace = ((await res.json()) as { data: Parameters<typeof collectedSpans>[0][] }).data[0]!;
  return {
    status: 200,
    spans: collectedSpans(trace),
    warnings: new Map(trace.spans.map((s) => [s.spanID, s.warnings ?? []])),
  };
}

/** The lines of one order in every service, once its notification line is written (the end of its journey). */
async function linesOfOrder(orderId: string): Promise<LogLine[]> {
  return until(
    async () => {
      const lines = allLines().filter((l) => l.order_id === orderId);
      return lines.some((l) => l.service === 'notification') ? lines : undefined;
    },
    20_000,
    `the lines of order ${orderId} up to the notification`,
  );
}

function fault(argv: string[]): Promise<number> {
  return faultCli(argv, {
    env: { ADMIN_TOKEN: TOKEN, ...stack.urlEnv() },
    out: () => undefined,
  }) as Promise<number>;
}

describe('lab 3: an order placed with your own traceparent', () => {
  let spans: CollectedSpan[];
  let warnings: Map<string, string[]>;
  let orderId: string;

  beforeAll(async () => {
    const order = await placeOrder(curlBodies(LAB3)[0], SAMPLED.header);
    expect(order.status).toBe(201);
    orderId = String(order.json.id);
    ({ spans, warnings } = await until(
      async () => {
        const found = await lookup(SAMPLED.traceId!);
        return found.spans.some((s) => s.name === 'notification.deliver') ? found : undefined;
      },
      20_000,
      `trace ${SAMPLED.traceId} in Jaeger, up to the notification`,
    ));
    await linesOfOrder(orderId);
  });

  it('is found in Jaeger by the trace id you chose, all four services in it', () => {
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([SAMPLED.traceId]));
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICES));
  });

  it("has the gateway's server span POST /api/orders as the child of the parent id you sent, and no other span outside the trace", () => {
    const inTrace = new Set(spans.map((s) => s.spanId));
    const outside = spans.filter((s) => !s.parentSpanId || !inTrace.has(s.parentSpanId));
    expect(outside.map((s) => [s.service, s.kind, s.name, s.parentSpanId])).toEqual([
      ['gateway', 'server', 'POST /api/orders', SAMPLED.parentId],
    ]);
  });

  it('shows the warning the lab quotes on that span, naming your parent id', () => {
    const root = spans.find((s) => s.parentSpanId === SAMPLED.parentId)!;
    const quoted = /`(invalid parent span IDs=)<[^>]+>(; skipping clock skew adjustment)`/.exec(LAB3);
    expect(quoted, 'lab 3 quotes the warning').not.toBeNull();
    expect(warnings.get(root.spanId)).toContain(`${quoted![1]}${SAMPLED.parentId}${quoted![2]}`);
  });

  it('puts your trace id in trace_id, the field the lab searches, on lines of all four services', () => {
    const field = /`(\w+):"<your trace id>"`/.exec(LAB3)?.[1];
    expect(field).toBe('trace_id');
    const mine = allLines().filter((l) => l[field!] === SAMPLED.traceId);
    expect(new Set(mine.map((l) => l.service))).toEqual(new Set(SERVICES));
    expect(mine.every((l) => l.trace_flags === '01')).toBe(true);
  });

  it("carries the gateway server span's id on the gateway's request line, and your parent id on no line (question 5)", () => {
    const gatewaySpan = spans.find((s) => s.parentSpanId === SAMPLED.parentId)!;
    const requestLine = linesOf('gateway').find(
      (l) => l.trace_id === SAMPLED.traceId && l.msg === 'POST /api/orders 201',
    );
    expect(requestLine?.span_id).toBe(gatewaySpan.spanId);
    expect(allLines().filter((l) => l.span_id === SAMPLED.parentId)).toEqual([]);
  });
});

describe('lab 3: a malformed traceparent', () => {
  it('gives at least two malformed examples', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(2);
  });

  it.each(MALFORMED)('is ignored: the order goes through in a new trace the gateway starts (%s)', async (header) => {
    const order = await placeOrder(curlBodies(LAB3)[0], header);
    expect(order.status).toBe(201);
    const lines = await linesOfOrder(String(order.json.id));
    const traceIds = new Set(lines.map((l) => l.trace_id));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds] as string[];
    expect(traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    // Nothing under the id that was sent, in any spelling: no line, and no trace for the lookup.
    const sent = header.split('-')[1]!;
    expect(allLines().filter((l) => l.trace_id === sent || l.trace_id === sent.toLowerCase())).toEqual([]);
    expect((await lookup(sent.toLowerCase())).status).not.toBe(200);
    // The gateway's trace, rooted at its own server span: no parent, no warning.
    const { spans, warnings } = await until(
      async () => {
        const found = await lookup(traceId!);
        return found.spans.some((s) => s.service === 'gateway' && s.kind === 'server') ? found : undefined;
      },
      20_000,
      `the new trace ${traceId} in Jaeger`,
    );
    const root = spans.find((s) => s.service === 'gateway' && s.kind === 'server')!;
    expect(root).toMatchObject({ name: 'POST /api/orders', parentSpanId: undefined });
    expect(warnings.get(root.spanId)).toEqual([]);
  });
});

describe('lab 3: a traceparent that is not sampled (flags 00)', () => {
  it('leaves the trace id on the lines of all four services, with trace_flags 00, and no trace in Jaeger', async () => {
    const order = await placeOrder(curlBodies(LAB3)[0], UNSAMPLED.header);
    expect(order.status).toBe(201);
    const lines = await linesOfOrder(String(order.json.id));
    const mine = allLines().filter((l) => l.trace_id === UNSAMPLED.traceId);
    expect(new Set(mine.map((l) => l.service))).toEqual(new Set(SERVICES));
    expect(lines.every((l) => l.trace_id === UNSAMPLED.traceId && l.trace_flags === '00')).toBe(true);
    // The sampled order above is in Jaeger within a second or two; give this one as long before saying it is not.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await lookup(UNSAMPLED.traceId!)).status).toBe(404);
  });
});

describe('lab 2: the PromQL answer, before the order service answered any 5xx', () => {
  it('returns no data while the recording rule says 0, as the answer explains', async () => {
    const answer = onlyAnswer(LAB2, 'promql');
    // Orders were answered over several scrapes above, so the rate of all answers is above 0 and the ratio a number.
    const rule = await until(
      async () => {
        const sample = (await prom.query('job:http_server_errors:ratio_rate5m{job="order"}'))[0];
        return sample && Number.isFinite(Number(sample.value[1])) ? sample : undefined;
      },
      30_000,
      'job:http_server_errors:ratio_rate5m for order',
    );
    expect(Number(rule.value[1])).toBe(0);
    expect(await prom.query(answer)).toEqual([]);
  });
});

describe('with payment-errors on, as labs 1 and 2 switch it on', () => {
  const [on, off] = faultCommands(LAB1);
  let failed: { status: number; json: Record<string, unknown> };

  beforeAll(async () => {
    expect(on).toEqual(['on', 'payment-errors', '--probability', '1']);
    expect(off).toEqual(['off', 'payment-errors']);
    expect(await fault(on!)).toBe(0);
    try {
      failed = await placeOrder(curlBodies(LAB1)[0]);
      // A few more, a scrape (1 s) apart: rate() needs the 5xx counter to grow between two scrapes.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1_200));
        await placeOrder(curlBodies(LAB1)[0]);
      }
    } finally {
      expect(await fault(off!)).toBe(0);
    }
  });

  it('lab 1: answers the failed checkout with 502 and the order id, as the lab shows', () => {
    expect(failed.status).toBe(502);
    expect(failed.json).toMatchObject({ statusCode: 502, orderId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it("lab 1: the KQL answer finds payment's line about that order, and no other line of any service", async () => {
    const orderId = String(failed.json.orderId);
    const terms = kqlTerms(onlyAnswer(LAB1, 'kql'));
    const matching = await until(
      async () => {
        const found = allLines().filter((l) => matchesKql(terms, l, { '<order id>': orderId }));
        return found.length > 0 ? found : undefined;
      },
      10_000,
      'a line matching the KQL answer',
    );
    expect(matching.map((l) => [l.service, l.level, l.msg])).toEqual([
      ['payment', 'error', 'card provider answered 503'],
    ]);
  });

  it("lab 1: leaves out order's warning about the same order and payment's request line, for the reasons the answer gives", () => {
    const orderId = String(failed.json.orderId);
    const paymentLine = linesOf('payment').find((l) => l.order_id === orderId)!;
    const pending = linesOf('order').find((l) => l.order_id === orderId && l.msg === 'order pending');
    expect(pending).toMatchObject({ level: 'warn', service: 'order' });
    const requestLine = linesOf('payment').find(
      (l) => l.trace_id === paymentLine.trace_id && l.msg === 'POST /payments 502',
    );
    expect(requestLine).toMatchObject({ level: 'error', route: '/payments' });
    expect(requestLine).not.toHaveProperty('order_id');
    for (const text of ['`order pending`', '`POST /payments 502`', 'saved\nsearch "All logs of one trace"'])
      expect(LAB1).toContain(text);
  });

  it("lab 2: the PromQL answer is one number, the recording rule's ratio for order, between 0 and 1", async () => {
    const answer = onlyAnswer(LAB2, 'promql');
    type Rules = { groups: { rules: { record?: string; expr: string }[] }[] };
    const ruleExpr = readYaml<Rules>(RECORDING_RULES)
      .groups.flatMap((g) => g.rules)
      .find((r) => r.record === 'job:http_server_errors:ratio_rate5m')!.expr;
    const at = await until(
      async () => {
        const now = Date.now() / 1000 - 1;
        const value = (await prom.query(answer, now))[0]?.value[1];
        return value !== undefined && Number(value) > 0 ? now : undefined;
      },
      30_000,
      'the 5xx of the order service in Prometheus',
    );
    const mine = await prom.query(answer, at);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.metric).toEqual({});
    const rule = (await prom.query(ruleExpr, at)).find((s) => s.metric.job === 'order')!;
    expect(Number(mine[0]!.value[1])).toBeCloseTo(Number(rule.value[1]), 10);
    expect(Number(mine[0]!.value[1])).toBeGreaterThan(0);
    expect(Number(mine[0]!.value[1])).toBeLessThan(1);
  });

  it('lab 2: without the sums every result is 1, as the answer says', async () => {
    const withoutSums = onlyAnswer(LAB2, 'promql').replace(/sum\((rate\([^)]*\))\)/g, '$1');
    expect(withoutSums).not.toContain('sum(');
    const series = await prom.query(withoutSums);
    expect(series.length).toBeGreaterThan(0);
    expect(series.map((s) => Number(s.value[1]))).toEqual(series.map(() => 1));
  });
});
