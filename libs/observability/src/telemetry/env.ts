/** Paths that are infrastructure, not traffic: never traced, never logged per request, never in RED metrics. */
export const INFRA_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export function isInfraPath(url: string | undefined): boolean {
  return INFRA_PATHS.test(url ?? '');
}

/**
 * Instrumentations this kit uses; the rest of auto-instrumentations-node stays off (fs, dns, net are noise).
 * nestjs-core is not here: 0.71 patches `@nestjs/core >=4 <12` only and makes no span on Nest 12
 * (HandlerSpanInterceptor gives the handler span instead). Each one kept has a telemetry test showing
 * what it alone adds (test/telemetry/instrumentations.tel-spec.ts).
 */
export const DEFAULT_INSTRUMENTATIONS = ['http', 'express', 'pg', 'amqplib', 'undici', 'pino'];

/**
 * Modules the ESM loader hook has to wrap for those instrumentations. Not undici: the undici
 * instrumentation listens on Node's diagnostics channels (fetch is built in), it patches no module.
 */
export const HOOKED_MODULES = ['http', 'https', 'express', 'pg', 'pg-pool', 'amqplib', 'pino'];

export function isTelemetryDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return String(env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true';
}

export function hasOtlpEndpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Whether spans leave the process: an OTLP endpoint, or an explicit
 * OTEL_TRACES_EXPORTER (console, otlp, none…). Without either, spans are still
 * recorded — logs and exemplars need their ids — but exported nowhere.
 */
export function exportsTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  return hasOtlpEndpoint(env) || Boolean(env.OTEL_TRACES_EXPORTER);
}

/**
 * The standard OTEL_* variables, with this kit's defaults filled in where the
 * user set nothing: no OTel metrics or logs exporters (Prometheus scrapes
 * prom-client; logs go to stdout) and only this kit's instrumentations. The
 * resource (service name, version, environment) is built in resource.ts.
 */
export function applyDefaults(env: NodeJS.ProcessEnv): void {
  // Compose passes `OTEL_X: ${OTEL_X:-}`; an empty value means unset.
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') && env[key] === '') delete env[key];
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= DEFAULT_INSTRUMENTATIONS.join(',');
}
