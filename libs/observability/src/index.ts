export { ObservabilityModule, OBSERVABILITY_OPTIONS } from './observability.module.js';
export type { ObservabilityOptions } from './observability.module.js';
export { shutdownTelemetry, startTelemetry } from './telemetry/sdk.js';
export type { TelemetryOptions } from './telemetry/sdk.js';
export { FAULT_ATTRIBUTE, faultMarker, setFaultMarker } from './context/fault-marker.js';
export { INFRA_PATHS, isInfraPath, isTelemetryDisabled } from './telemetry/env.js';
export {
  SpanKind,
  activeTraceIds,
  annotateActiveSpan,
  extractTraceContext,
  failActiveSpan,
  injectTraceContext,
  recordError,
  tracer,
  withSpan,
} from './tracing/spans.js';
export type { SpanOptions } from './tracing/spans.js';
export { HandlerSpanInterceptor } from './tracing/handler-span.interceptor.js';
export { detachedRunner } from './tracing/detached.js';
export { defaultLogFormat, loggerParams, routeOf } from './logging/logger-options.js';
export type { LogFormat, LoggingEnv, LoggingOptions } from './logging/logger-options.js';
export { REDACTED_PATHS, maskCardNumbers, maskCardNumbersInText } from './logging/redact.js';
export { counter, gauge, histogram, metricsRegistry } from './metrics/registry.js';
export { toPrometheusText } from './metrics/prometheus-text.js';
export { MetricsController } from './metrics/metrics.controller.js';
export {
  exemplarLabels,
  httpClientCircuitState,
  httpClientDuration,
  httpMetricsMiddleware,
  httpServerDuration,
  recordHttpClientCall,
} from './metrics/http-metrics.js';
export {
  dbPoolConnections,
  dbPoolMax,
  dbPoolWaiting,
  messageProcessingDuration,
  messageRetries,
  messagesConsumed,
  messagesDeadLettered,
  notificationsSent,
  orderAmount,
  ordersCreated,
  outboxBacklog,
  outboxOldestAge,
  outboxPublishFailures,
  outboxPublished,
  paymentsProcessed,
} from './metrics/domain-metrics.js';
export { registerDbPool, registerOutboxBacklog, unregisterDbPool } from './metrics/collectors.js';
export type { BacklogStats, PoolStats } from './metrics/collectors.js';
