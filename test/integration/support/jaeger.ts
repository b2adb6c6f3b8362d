import type { CollectedSpan } from '../../../scripts/waterfall/index.js';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { getJson } from '../../support/get-json.js';
import { Server } from '../../support/server.js';
import { toolBinary } from '../../support/tools.js';
import { readYaml } from './prometheus.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const JAEGER_CONFIG = join(ROOT, 'observability/jaeger/config.yaml');

/** The listeners of the real config (`0.0.0.0:<port>`), by the port compose knows them as. */
export type JaegerPorts = Record<number, number>;

export interface LocalJaegerOptions {
  /** Real config port → loopback port for every listener; a listener missing here fails the build of the config. */
  ports: JaegerPorts;
  /** `host:port` the config dials (its compose names, e.g. `prometheus:9090`) → the loopback `host:port` here. */
  outgoing: Record<string, string>;
  /** connectors.spanmetrics.metrics_flush_interval, shortened so a test needs no 15 s wait per flush. */
  spanmetricsFlushInterval?: string;
}

type Node = Record<string, unknown>;

/**
 * The real observability/jaeger/config.yaml pointed at this machine: every `0.0.0.0:<port>` listener
 * becomes `127.0.0.1:<mapped port>`, every compose host:port it dials becomes the local one, and only
 * the span metrics' flush interval is shortened. Anything it cannot map is an error, so a new
 * listener or a new backend in the real config is never skipped silently.
 */
export function localJaegerConfig(options: LocalJaegerOptions): Node {
  const config = readYaml<Node>(JAEGER_CONFIG);
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return rewrite(node, path);
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${path}[${i}]`));
    if (node && typeof node === 'object') {
      const entries = Object.entries(node as Node);
      // The collector's own metrics: a pull reader's `host` and `port` (not one host:port string).
      if ('host' in (node as Node) && 'port' in (node as Node)) {
        const { host, port } = node as { host: string; port: number };
        if (host !== '0.0.0.0') throw new Error(`${path}: listener on ${host}, expected 0.0.0.0`);
        return { ...(node as Node), host: '127.0.0.1', port: mapPort(port, path) };
      }
      return Object.fromEntries(entries.map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return node;
  };
  const mapPort = (port: number, path: string): number => {
    const local = options.ports[port];
    if (!local) throw new Error(`jaeger config ${path}: listener :${port} has no local port: add it to the test`);
    return local;
  };
  const rewrite = (value: string, path: string): string => {
    const listener = /^0\.0\.0\.0:(\d+)$/.exec(value);
    if (listener) return `127.0.0.1:${mapPort(Number(listener[1]), path)}`;
    return value.replace(/^(\w+:\/\/)?([A-Za-z][\w.-]*:\d+)/, (whole, scheme: string | undefined, hostPort: string) => {
      const local = options.outgoing[hostPort];
      if (!local) throw new Error(`jaeger config ${path}: ${hostPort} has no local counterpart: add it to the test`);
      return `${scheme ?? ''}${local}`;
    });
  };
  const local = walk(config, '') as Node;
  if (options.spanmetricsFlushInterval) {
    const spanmetrics = (local.connectors as Node | undefined)?.spanmetrics as Node | undefined;
    if (!spanmetrics || !('metrics_flush_interval' in spanmetrics)) {
      throw new Error('jaeger config: connectors.spanmetrics.metrics_flush_interval is gone; the test shortens it');
    }
    spanmetrics.metrics_flush_interval = options.spanmetricsFlushInterval;
  }
  return local;
}

/** The variables that make a service export its spans to this Jaeger over OTLP/HTTP, as compose sets them; flushed every 100 ms. */
export function exportToJaeger(ports: JaegerPorts): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports[4318]}`, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/** The pinned Jaeger on the real config made local (localJaegerConfig, written to `<dir>/jaeger.yaml`), ready once its health check answers. */
export function startJaeger(name: string, dir: string, options: LocalJaegerOptions): Promise<Server> {
  const { ports } = options;
  writeFileSync(join(dir, 'jaeger.yaml'), stringify(localJaegerConfig(options)));
  return Server.start(name, toolBinary('jaeger'), ['--config', join(dir, 'jaeger.yaml')], ports[16686]!, {
    readyUrl: `http://127.0.0.1:${ports[13133]}/status`,
    // Jaeger traces its own query API over OTLP to localhost:4317, which in compose is its own receiver.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports[4317]}` },
  });
}

// ---- The query API (what the Jaeger UI calls) ----------------------------------------------------

interface JaegerTag {
  key: string;
  type: string;
  value: string | number | boolean;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerTag[];
  logs?: { timestamp: number; fields: JaegerTag[] }[];
  processID: string;
  warnings?: string[] | null;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] }>;
  warnings?: string[] | null;
}

/** A search as the UI's Search form sends it. */
export interface TraceSearch {
  service: string;
  operation?: string;
  /** Tags as the form's `Tags` field (logfmt `a=b c=d`), sent as JSON. */
  tags?: Record<string, string>;
  /** `500ms`, `1s`. */
  minDuration?: string;
  limit?: number;
  /** Only traces that started after this moment (epoch ms). */
  sinceMs?: number;
}

export interface MetricPoint {
  gaugeValue: { doubleValue: number | string };
  timestamp: string;
}

export interface MetricFamily {
  name: string;
  metrics: { labels: { name: string; value: string }[]; metricPoints: MetricPoint[] }[];
}

/** The query parameters the Monitor tab sends (times in milliseconds). */
export interface MonitorQuery {
  service: string;
  spanKind?: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  groupByOperation?: boolean;
  quantile?: number;
  lookbackMs?: number;
  stepMs?: number;
  ratePerMs?: number;
}

export class JaegerApi {
  constructor(readonly url: string) {}

  private get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    return getJson<T>(this.url, path, params);
  }

  async services(): Promise<string[]> {
    return (await this.get<{ data: string[] | null }>('/api/services')).data ?? [];
  }

  async operations(service: string, spanKind?: string): Promise<{ name: string; spanKind: string }[]> {
    const params: Record<string, string> = { service };
    if (spanKind) params.spanKind = spanKind;
    return (
      (await this.get<{ data: { name: string; spanKind: string }[] | null }>('/api/operations', params)).data ?? []
    );
  }

  async search(query: TraceSearch): Promise<JaegerTrace[]> {
    const params: Record<string, string> = {
      service: query.service,
      limit: String(query.limit ?? 20),
      lookback: '1h',
      start: String((query.sinceMs ?? Date.now() - 3_600_000) * 1000),
      end: String((Date.now() + 1000) * 1000),
    };
    if (query.operation) params.operation = query.operation;
    if (query.tags) params.tags = JSON.stringify(query.tags);
    if (query.minDuration) params.minDuration = query.minDuration;
    return (await this.get<{ data: JaegerTrace[] | null }>('/api/traces', params)).data ?? [];
  }

  async trace(traceId: string): Promise<JaegerTrace> {
    const data = (await this.get<{ data: JaegerTrace[] }>(`/api/traces/${traceId}`)).data;
    if (data.length !== 1) throw new Error(`/api/traces/${traceId}: ${data.length} traces`);
    return data[0]!;
  }

  /** GET /api/metrics/{calls|latencies|errors}: what the Monitor tab draws, read back from Prometheus. */
  async metrics(kind: 'calls' | 'latencies' | 'errors', query: MonitorQuery): Promise<MetricFamily> {
    const params: Record<string, string> = {
      service: query.service,
      endTs: String(Date.now()),
      lookback: String(query.lookbackMs ?? 300_000),
      step: String(query.stepMs ?? 1_000),
      ratePer: String(query.ratePerMs ?? 60_000),
      spanKind: query.spanKind ?? 'server',
    };
    if (query.groupByOperation) params.groupByOperation = 'true';
    if (kind === 'latencies') params.quantile = String(query.quantile ?? 0.95);
    return this.get<MetricFamily>(`/api/metrics/${kind}`, params);
  }
}

/** The numbers of a metric family's points (NaN ones dropped), per series labels. */
export function pointValues(family: MetricFamily): { labels: Record<string, string>; values: number[] }[] {
  return family.metrics.map((m) => ({
    labels: Object.fromEntries(m.labels.map((l) => [l.name, l.value])),
    values: m.metricPoints.map((p) => Number(p.gaugeValue.doubleValue)).filter((v) => Number.isFinite(v)),
  }));
}

type SpanKindName = CollectedSpan['kind'];
type AttributeValue = CollectedSpan['attributes'][string];
const KINDS = new Set<SpanKindName>(['server', 'client', 'producer', 'consumer', 'internal']);

/**
 * A trace as Jaeger returns it, in the shape the rest of the suite reads spans in (trace-analysis.ts):
 * the process' service name, the CHILD_OF reference as parent, `span.kind` and `otel.status_code` tags
 * as kind and status (the OTLP → Jaeger model translation), FOLLOWS_FROM references as links.
 */
export function collectedSpans(trace: JaegerTrace): CollectedSpan[] {
  return trace.spans.map((span) => {
    const tags = Object.fromEntries((span.tags ?? []).map((t) => [t.key, t.value as AttributeValue]));
    const kind = String(tags['span.kind'] ?? 'internal') as SpanKindName;
    const refs = span.references ?? [];
    const startMs = span.startTime / 1000;
    const error = tags['otel.status_code'] === 'ERROR' || tags.error === true;
    return {
      traceId: span.traceID,
      spanId: span.spanID,
      parentSpanId: refs.find((r) => r.refType === 'CHILD_OF')?.spanID,
      name: span.operationName,
      service: trace.processes[span.processID]?.serviceName ?? 'unknown',
      kind: KINDS.has(kind) ? kind : 'internal',
      startMs,
      endMs: startMs + span.duration / 1000,
      durationMs: span.duration / 1000,
      attributes: tags,
      status: error ? 'error' : tags['otel.status_code'] === 'OK' ? 'ok' : 'unset',
      statusMessage: typeof tags['otel.status_description'] === 'string' ? tags['otel.status_description'] : undefined,
      links: refs.filter((r) => r.refType === 'FOLLOWS_FROM').map((r) => ({ traceId: r.traceID, spanId: r.spanID })),
    };
  });
}
