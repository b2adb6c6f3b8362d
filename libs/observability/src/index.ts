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
export {
  ATTR_NOTIFICATION_PROVIDER,
  ATTR_ORDER_EVENT_TYPE,
  ATTR_ORDER_ID,
  ATTR_ORDER_ITEMS,
  ATTR_ORDER_STATUS,
  ATTR_ORDER_TOTAL_CENTS,
  ATTR_OUTBOX_AGE_MS,
  ATTR_OUTBOX_ATTEMPT,
  ATTR_PAYMENT_AMOUNT_CENTS,
  ATTR_PAYMENT_DECLINE_REASON,
  ATTR_PAYMENT_FRAUD_SCORE,
  ATTR_PAYMENT_OUTCOME,
  ATTR_PAYMENT_PROVIDER,
  MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP,
} from './tracing/attributes.js';
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
