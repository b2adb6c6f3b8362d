// The collector against the real OpenTelemetry JS exporters rather than
// hand-built payloads: proves the wire format we parse is the one services send.
// The exporters come with @opentelemetry/sdk-node (which the services use).
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectedSpan } from './collected-span.js';
import { startOtlpCollector, type OtlpCollector } from './collector.js';
import type { RejectedRequest } from './otlp-http-handler.js';

let collector: OtlpCollector;
const providers: TracerProvider[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
  await collector.close();
});

function serviceProvider(service: string, exporter: SpanExporter): TracerProvider {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  providers.push(provider);
  return provider;
}

describe('startOtlpCollector() with the OpenTelemetry JS exporters', () => {
  it('assembles one trace from two services exporting http/json, one of them gzipped', async () => {
    const traces: CollectedSpan[][] = [];
    collector = await startOtlpCollector({ port: 0, idleMs: 100, onTrace: (spans) => void traces.push(spans) });
    const endpoint = `${collector.url}/v1/traces`;
    const gateway = serviceProvider('gateway', new JsonExporter({ url: endpoint }));
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip');
    const order = serviceProvider('order', new JsonExporter({ url: endpoint }));
    vi.unstubAllEnvs();

    const root = gateway.getTracer('test').startSpan('GET /orders', {
      kind: SpanKind.SERVER,
      attributes: { 'http.response.status_code': 500 },
    });
    const inRoot = trace.setSpan(context.active(), root);
    const child = order.getTracer('test').startSpan('order.created process', { kind: SpanKind.CONSUMER }, inRoot);
    child.recordException(new Error('mailbox full'));
    child.setStatus({ code: SpanStatusCode.ERROR });
    child.end();
    root.end();
    await Promise.all(providers.map((provider) => provider.forceFlush()));

    await vi.waitFor(() => expect(traces).toHaveLength(1), { timeout: 2_000, interval: 20 });
    const [spans] = traces;
    const gatewaySpan = spans.find((span) => span.service === 'gateway');
    expect(gatewaySpan).toMatchObject({
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      name: 'GET /orders',
      kind: 'server',
      attributes: { 'http.response.status_code': 500 },
    });
    expect(spans.find((span) => span.service === 'order')).toMatchObject({
      parentSpanId: root.spanContext().spanId,
      kind: 'consumer',
      status: 'error',
      statusMessage: 'mailbox full',
    });
  });

  it('refuses the default http/protobuf exporter with 415 and says which variable to set', async () => {
    const rejected: RejectedRequest[] = [];
    collector = await startOtlpCollector({ port: 0, onTrace: () => {}, onRejected: (r) => void rejected.push(r) });
    const memory = new InMemorySpanExporter();
    serviceProvider('gateway', memory).getTracer('test').startSpan('GET /orders').end();
    const exporter = new ProtobufExporter({ url: `${collector.url}/v1/traces` });
    const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    await exporter.shutdown();
    // What the service's OTel diagnostics would show.
    expect(result.error?.message).toBe('Unsupported Media Type');
    expect((result.error as { data?: string }).data).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    expect(rejected).toEqual([expect.objectContaining({ status: 415, path: '/v1/traces' })]);
    expect(collector.spans()).toEqual([]);
  });
});
