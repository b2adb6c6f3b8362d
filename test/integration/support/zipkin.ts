import type { CollectedSpan } from '../../../scripts/waterfall/index.js';
// @ts-expect-error: a plain ESM script without types
import { zipkinCommand } from '../../../scripts/ci/zipkin.mjs';
import { getJson } from '../../support/get-json.js';
import { Server } from '../../support/server.js';

/** Zipkin as docker-compose.zipkin.yml runs it (same release, JAVA_OPTS and storage), on 127.0.0.1:port. */
export async function startZipkin(port: number): Promise<Server> {
  const { command, args, env } = zipkinCommand(port) as {
    command: string;
    args: string[];
    env: Record<string, string>;
  };
  // A JVM on a busy 2-core CI machine: about 10–20 s to healthy.
  return Server.start('zipkin', command, args, port, {
    readyUrl: `http://127.0.0.1:${port}/health`,
    env,
    timeoutMs: 60_000,
  });
}

/** A span as Zipkin's v2 API returns it (JSON v2 model). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Microseconds since the epoch. */
  timestamp: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: { serviceName?: string };
  remoteEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
  annotations?: { timestamp: number; value: string }[];
}

/** A search as the UI's Discover page sends it. */
export interface ZipkinSearch {
  serviceName: string;
  spanName?: string;
  /** `order.id=…`, `error`, `and`-joined: the UI's tag query. */
  annotationQuery?: string;
  /** Microseconds. */
  minDuration?: number;
  limit?: number;
  /** Only traces of the last lookbackMs (default 1 h). */
  lookbackMs?: number;
}

export class ZipkinApi {
  constructor(readonly url: string) {}

  private get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    return getJson<T>(this.url, `/api/v2/${path}`, params);
  }

  services(): Promise<string[]> {
    return this.get('services');
  }

  spanNames(serviceName: string): Promise<string[]> {
    return this.get('spans', { serviceName });
  }

  /** The Dependencies page: calls between services over the last hour. */
  dependencies(): Promise<{ parent: string; child: string; callCount: number }[]> {
    return this.get('dependencies', { endTs: String(Date.now() + 1000), lookback: '3600000' });
  }

  trace(traceId: string): Promise<ZipkinSpan[]> {
    return this.get(`trace/${traceId}`);
  }

  traces(search: ZipkinSearch): Promise<ZipkinSpan[][]> {
    const params: Record<string, string> = {
      serviceName: search.serviceName,
      endTs: String(Date.now() + 1000),
      lookback: String(search.lookbackMs ?? 3_600_000),
      limit: String(search.limit ?? 20),
    };
    if (search.spanName) params.spanName = search.spanName;
    if (search.annotationQuery) params.annotationQuery = search.annotationQuery;
    if (search.minDuration !== undefined) params.minDuration = String(search.minDuration);
    return this.get('traces', params);
  }
}

/**
 * Zipkin's spans in the suite's span shape (trace-analysis.ts). What the OTel Zipkin exporter
 * changes on the way is kept as Zipkin shows it: span and service names as stored (Zipkin
 * lower-cases them), no INTERNAL kind (absent), status as the `otel.status_code` and `error` tags.
 */
export function collectedFromZipkin(spans: ZipkinSpan[]): CollectedSpan[] {
  return spans.map((span) => {
    const tags = span.tags ?? {};
    const startMs = span.timestamp / 1000;
    const durationMs = (span.duration ?? 0) / 1000;
    return {
      traceId: span.traceId,
      spanId: span.id,
      parentSpanId: span.parentId,
      name: span.name ?? '',
      service: span.localEndpoint?.serviceName ?? 'unknown',
      kind: (span.kind?.toLowerCase() ?? 'internal') as CollectedSpan['kind'],
      startMs,
      endMs: startMs + durationMs,
      durationMs,
      attributes: tags,
      status:
        tags['otel.status_code'] === 'ERROR' || 'error' in tags
          ? 'error'
          : tags['otel.status_code'] === 'OK'
            ? 'ok'
            : 'unset',
      statusMessage: tags.error,
      links: [],
    };
  });
}
