import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECKOUT_TRACE_ID, IDS, checkoutExports, checkoutPayload, otlpExport } from './checkout-trace.fixture.js';
import type { CollectedSpan } from './collected-span.js';
import { startOtlpCollector, type OtlpCollector, type OtlpCollectorOptions } from './collector.js';
import type { RejectedRequest } from './otlp-http-handler.js';

const OTHER_TRACE = 'e'.repeat(32);
let collector: OtlpCollector | undefined;
let traces: CollectedSpan[][];
let rejected: RejectedRequest[];

async function start(options: Partial<OtlpCollectorOptions> = {}): Promise<OtlpCollector> {
  traces = [];
  rejected = [];
  collector = await startOtlpCollector({
    port: 0,
    idleMs: 100,
    onTrace: (spans) => void traces.push(spans),
    onRejected: (r) => void rejected.push(r),
    ...options,
  });
  return collector;
}

afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

async function post(
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const res = await fetch(`${collector!.url}${path}`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as { message?: string; partialSuccess?: object } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startOtlpCollector()', () => {
  it('listens on a random loopback port and reports its base URL', async () => {
    const { url, port } = await start();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
  });

  it('accepts a JSON trace export with an empty partial success and keeps its spans', async () => {
    await start();
    const res = await post('/v1/traces', JSON.stringify(checkoutPayload()));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ partialSuccess: {} });
    expect(collector!.spans()).toHaveLength(8);
    expect(collector!.spans().find((s) => s.spanId === IDS.paymentServer)?.service).toBe('payment');
  });

  it('calls onTrace once per trace after it goes quiet, with the spans of every service export', async () => {
    await start({ idleMs: 400 });
    for (const request of checkoutExports()) {
      expect((await post('/v1/traces', JSON.stringify(request))).status).toBe(200);
    }
    const other = otlpExport('gateway', [
      { id: 'f000000000000001', name: 'GET /api/orders/1', kind: 2, start: 0, end: 1, traceId: OTHER_TRACE },
    ]);
    await post('/v1/traces', JSON.stringify(other));
    expect(traces).toEqual([]);
    await vi.waitFor(() => expect(traces).toHaveLength(2), { timeout: 3_000, interval: 20 });
    await sleep(500);
    expect(traces).toHaveLength(2);
    const checkout = traces.find((spans) => spans[0].traceId === CHECKOUT_TRACE_ID)!;
    expect(checkout).toHaveLength(8);
    expect(new Set(checkout.map((s) => s.service))).toEqual(new Set(['gateway', 'order', 'payment', 'notification']));
    expect(traces.find((spans) => spans[0].traceId === OTHER_TRACE)).toHaveLength(1);
  });

  it('accepts a gzip-compressed body', async () => {
    await start();
    const res = await post('/v1/traces', gzipSync(JSON.stringify(checkoutPayload())), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(collector!.spans()).toHaveLength(8);
  });

  it('answers 415 to protobuf, telling the participant to set OTEL_EXPORTER_OTLP_PROTOCOL=http/json', async () => {
    await start();
    const res = await post('/v1/traces', new Uint8Array([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(415);
    expect(res.json().message).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    expect(rejected).toEqual([expect.objectContaining({ status: 415, path: '/v1/traces' })]);
    expect(collector!.spans()).toEqual([]);
  });

  it('answers 400 to a body that is not JSON or not an OTLP export', async () => {
    await start();
    const garbage = await post('/v1/traces', '{"resourceSpans": [');
    expect(garbage.status).toBe(400);
    expect(garbage.json().message).toMatch(/not valid JSON/);
    const wrongShape = await post(
      '/v1/traces',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'x' }] }] }] }),
    );
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json().message).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);
    const badGzip = await post('/v1/traces', 'not gzip', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(badGzip.status).toBe(400);
    expect(collector!.spans()).toEqual([]);
  });

  it('answers 413 to a body beyond the limit, compressed or inflated', async () => {
    await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ resourceSpans: [], padding: ' '.repeat(2048) });
    expect((await post('/v1/traces', big)).status).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(1024);
    expect(
      (await post('/v1/traces', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
    ).toBe(413);
    expect((await post('/v1/traces', JSON.stringify({ resourceSpans: [] }))).status).toBe(200);
  });

  it('answers 404 to other paths and 405 to other methods', async () => {
    await start();
    expect((await post('/v1/spans', '{}')).status).toBe(404);
    const get = await fetch(`${collector!.url}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('accepts and ignores metrics and logs in either protocol', async () => {
    await start();
    const json = await post('/v1/metrics', JSON.stringify({ resourceMetrics: [] }));
    expect(json.status).toBe(200);
    expect(json.json()).toEqual({ partialSuccess: {} });
    const proto = await post('/v1/logs', new Uint8Array([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
    expect(proto.text).toBe('');
    expect(rejected).toEqual([]);
    expect(collector!.spans()).toEqual([]);
  });

  it('emits pending traces and stops listening on close()', async () => {
    const { url } = await start({ idleMs: 60_000 });
    await post('/v1/traces', JSON.stringify(checkoutPayload()));
    await collector!.close();
    expect(traces).toHaveLength(1);
    await expect(fetch(`${url}/v1/traces`, { method: 'POST', body: '{}' })).rejects.toThrow();
    await collector!.close();
    expect(traces).toHaveLength(1);
  });

  it('fails to start with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startOtlpCollector({ port, onTrace: () => {} })).rejects.toThrow(
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}.*already running`),
      );
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
