import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollectedSpan } from './collected-span.js';
import { createOtlpHandler, type RejectedRequest } from './otlp-http-handler.js';
import { TraceAssembler } from './trace-assembler.js';

export interface OtlpCollectorOptions {
  /** Port to listen on; 0 picks a free one. Default 4318, the OTLP/HTTP port exporters use by default. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Quiet time after a trace's last span before it is emitted. Default 1500. */
  idleMs?: number;
  /** Called once per finished trace with all its spans. */
  onTrace: (spans: CollectedSpan[]) => void;
  /** Largest request body, compressed or not. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Spans kept for `spans()`, newest kept. Default 10 000. */
  maxRetainedSpans?: number;
  /** Told about every refused request (wrong protocol, bad JSON, …), e.g. to print a hint once. */
  onRejected?: (rejected: RejectedRequest) => void;
}

export interface OtlpCollector {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (exporters append /v1/traces). */
  url: string;
  port: number;
  /** Stops listening, then emits every pending trace. */
  close(): Promise<void>;
  /** Every span received so far (up to `maxRetainedSpans`), in arrival order. */
  spans(): CollectedSpan[];
}

/** An in-process OTLP/HTTP JSON receiver that hands each finished trace to `onTrace`. */
export async function startOtlpCollector(options: OtlpCollectorOptions): Promise<OtlpCollector> {
  const host = options.host ?? '127.0.0.1';
  const maxRetained = options.maxRetainedSpans ?? 10_000;
  const assembler = new TraceAssembler({ onTrace: options.onTrace, idleMs: options.idleMs });
  const received: CollectedSpan[] = [];
  const onSpans = (spans: CollectedSpan[]) => {
    received.push(...spans);
    if (received.length > maxRetained) received.splice(0, received.length - maxRetained);
    assembler.add(spans);
  };
  const server = createServer(
    createOtlpHandler({
      maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
      onSpans,
      onRejected: options.onRejected,
    }),
  );
  const port = await listen(server, options.port ?? 4318, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    spans: () => [...received],
    close: () => (closing ??= stop(server).then(() => assembler.flush())),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE' ? ' (is another OTLP collector, e.g. the compose stack, already running?)' : '';
      reject(
        new Error(`The OTLP receiver cannot listen on ${host}:${port}: ${error.message}${hint}`, { cause: error }),
      );
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Exporters keep connections alive; idle ones would hold close() open.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}
