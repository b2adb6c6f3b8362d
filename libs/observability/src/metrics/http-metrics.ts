import type { NextFunction, Request, Response } from 'express';
import { activeTraceIds } from '../tracing/spans.js';
import { isInfraPath } from '../telemetry/env.js';
import { routeOf } from '../logging/logger-options.js';
import { gauge, histogram } from './registry.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** RED for the HTTP server: rate and errors from the count, duration from the buckets. */
export const httpServerDuration = histogram<'method' | 'route' | 'status_code'>({
  name: 'http_server_request_duration_seconds',
  help: 'Duration of HTTP requests handled by this service, by method, route template and status code.',
  labelNames: ['method', 'route', 'status_code'],
  buckets: LATENCY_BUCKETS,
  enableExemplars: true,
});

/** The same seen from the caller: how long each downstream service took to answer. */
export const httpClientDuration = histogram<'server' | 'method' | 'status_code'>({
  name: 'http_client_request_duration_seconds',
  help: 'Duration of HTTP calls to other services, by target service, method and status code (0 = no answer).',
  labelNames: ['server', 'method', 'status_code'],
  buckets: LATENCY_BUCKETS,
  enableExemplars: true,
});

/** The circuit breaker in front of each downstream service: 0 closed, 0.5 half-open (one trial call), 1 open (failing fast). */
export const httpClientCircuitState = gauge<'server'>({
  name: 'http_client_circuit_state',
  help: 'State of the circuit breaker to each downstream service: 0 closed, 0.5 half-open, 1 open (calls fail fast).',
  labelNames: ['server'],
});

/** Trace ids of the active span as exemplar labels (empty when there is no span). */
export function exemplarLabels(): Record<string, string> {
  const ids = activeTraceIds();
  return ids ? { trace_id: ids.trace_id, span_id: ids.span_id } : {};
}

/**
 * Express middleware: records each request when its response finishes, so
 * errors, 404s and guard rejections count too, and as 499 when the caller hung up first. The exemplar is the request's
 * own trace, taken when the request arrives.
 */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (isInfraPath(req.originalUrl ?? req.url)) return next();
  const started = process.hrtime.bigint();
  const exemplar = exemplarLabels();
  let recorded = false;
  const record = (statusCode: string) => {
    if (recorded) return;
    recorded = true;
    httpServerDuration.observe({
      labels: { method: req.method, route: routeOf(req), status_code: statusCode },
      value: Number(process.hrtime.bigint() - started) / 1e9,
      exemplarLabels: exemplar,
    });
  };
  res.once('finish', () => record(String(res.statusCode)));
  // The caller gave up (its deadline passed) before the answer was sent: the work was still done,
  // so it counts, as 499 ("client closed request", nginx's code) — or a retry storm would be invisible here.
  res.once('close', () => {
    if (!res.writableFinished) record('499');
  });
  next();
}

export function recordHttpClientCall(server: string, method: string, statusCode: number, seconds: number): void {
  httpClientDuration.observe({
    labels: { server, method, status_code: String(statusCode) },
    value: seconds,
    exemplarLabels: exemplarLabels(),
  });
}
