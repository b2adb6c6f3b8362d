import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { context, SpanKind, trace } from '@opentelemetry/api';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { ATTR_PROCESS_COMMAND_ARGS, ATTR_PROCESS_PID } from '@opentelemetry/semantic-conventions/incubating';
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as PaymentModule } from '../../apps/payment/src/app.module.js';
import { DEFAULT_INSTRUMENTATIONS } from '../../libs/observability/src/telemetry/env.js';
import { readServicesEnv } from '../../scripts/ci/backing-services.mjs';
import { type BootedApp, boot, env, testDatabase } from '../support/boot.js';

/**
 * Each instrumentation the kit enables earns its place on the installed
 * versions (Nest 12, express 5, pg 8, amqplib 2, Node 24's fetch, pino 10):
 * every test shows a span or field only that instrumentation makes. nestjs-core
 * is not enabled: it patches @nestjs/core < 12 and made no span here.
 */
const exporter = (globalThis as { spanExporter?: InMemorySpanExporter }).spanExporter!;
const scope = (name: string) => `@opentelemetry/instrumentation-${name}`;
let payment: BootedApp;

/** The finished spans once `done` holds for them (a server span ends just after its response). */
async function spansWhen(done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let waited = 0; waited <= 5_000; waited += 25) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`spans never arrived: ${exporter.getFinishedSpans().map((s) => s.name)}`);
}

/** GET /payments/<unknown id> with fetch; its spans: the client's, the server's and the query's. */
async function getUnknownPayment(): Promise<ReadableSpan[]> {
  exporter.reset();
  const res = await fetch(`${payment.url}/payments/${randomUUID()}`);
  await res.text();
  expect(res.status).toBe(404);
  return spansWhen((spans) => spans.some((s) => s.kind === SpanKind.SERVER));
}

beforeAll(async () => {
  payment = await boot(PaymentModule.forRoot(env({ DATABASE_URL: await testDatabase('payment') })));
});

afterAll(async () => {
  await payment?.close();
});

describe('the instrumentations the kit enables', () => {
  it('are http, express, pg, amqplib, undici and pino, not nestjs-core', () => {
    expect([...DEFAULT_INSTRUMENTATIONS].sort()).toEqual(['amqplib', 'express', 'http', 'pg', 'pino', 'undici']);
  });

  it('http makes the server span of a request', async () => {
    const server = (await getUnknownPayment()).find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.instrumentationScope.name).toBe(scope('http'));
  });

  it('express names that server span by its route template', async () => {
    const server = (await getUnknownPayment()).find((s) => s.kind === SpanKind.SERVER)!;
    // http alone knows only the method: `GET`, no http.route.
    expect(server.name).toBe('GET /payments/:id');
    expect(server.attributes[ATTR_HTTP_ROUTE]).toBe('/payments/:id');
  });

  it('undici makes the client span of a fetch, and the server joins its trace', async () => {
    const spans = await getUnknownPayment();
    const client = spans.find((s) => s.kind === SpanKind.CLIENT && s.instrumentationScope.name === scope('undici'))!;
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(client.name).toBe('GET');
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  });

  it('pg makes a span per query, inside the request', async () => {
    const spans = await getUnknownPayment();
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const query = spans.find((s) => s.instrumentationScope.name === scope('pg'))!;
    expect(query.name).toMatch(/^pg\.query:SELECT \w+_payment$/);
    expect(query.kind).toBe(SpanKind.CLIENT);
    expect(query.spanContext().traceId).toBe(server.spanContext().traceId);
  });

  it('amqplib makes a producer span on publish and a consumer span on delivery, in one trace', async () => {
    const { rabbitUrl } = readServicesEnv();
    expect(rabbitUrl, 'RABBITMQ_URL (node scripts/ci/backing-services.mjs start)').toBeTruthy();
    const connection = await amqplib.connect(rabbitUrl!);
    try {
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      exporter.reset();
      const delivered = new Promise<void>((resolve) => void channel.consume(queue, () => resolve(), { noAck: true }));
      channel.sendToQueue(queue, Buffer.from('{}'));
      await delivered;
      const spans = await spansWhen((all) => all.some((s) => s.kind === SpanKind.CONSUMER));
      const publish = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
      const consume = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(publish).toMatchObject({ name: 'publish <default>', instrumentationScope: { name: scope('amqplib') } });
      expect(consume).toMatchObject({ name: `${queue} process`, instrumentationScope: { name: scope('amqplib') } });
      expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    } finally {
      await connection.close();
    }
  });

  it('pino writes the active span’s trace id on a plain pino logger’s lines', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    // The kit's loggers come from nestjs-pino → pino-http, which require() pino: so does this one. (Under
    // vitest an `import` of pino in a test file comes out unpatched; under the real preload it is patched.)
    const pino = createRequire(import.meta.url)('pino') as typeof import('pino').pino;
    const logger = pino(sink);
    const span = trace.getTracer('test').startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    logger.info('outside');
    span.end();
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line.trace_id).toBe(span.spanContext().traceId);
    expect(line.span_id).toBe(span.spanContext().spanId);
    expect(JSON.parse(lines[1])).not.toHaveProperty('trace_id');
  });
});

describe('the resource on every span', () => {
  it('carries the kit’s defaults under the user’s service name, and no command line', async () => {
    const server = (await getUnknownPayment()).find((s) => s.kind === SpanKind.SERVER)!;
    const { attributes } = server.resource;
    // test/telemetry/setup.ts sets OTEL_SERVICE_NAME; the version is the one startTelemetry() was given.
    expect(attributes).toMatchObject({ [ATTR_SERVICE_NAME]: 'in-process', [ATTR_SERVICE_VERSION]: 'test' });
    expect(attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME]).toEqual(expect.any(String));
    expect(attributes[ATTR_SERVICE_INSTANCE_ID]).toEqual(expect.any(String));
    expect(attributes[ATTR_PROCESS_PID]).toBe(process.pid);
    expect(attributes).not.toHaveProperty(ATTR_PROCESS_COMMAND_ARGS);
  });
});
